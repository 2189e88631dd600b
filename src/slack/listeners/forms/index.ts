import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { GATE_FORM } from '../../../messages/ids/forms.js';
import { gateFormSubmitted } from './gate-form-submitted.js';
import { gateProjectPicked } from './gate-project-picked.js';
import { gateShortcut } from './gate-shortcut.js';

/** Forms instead of flags: the gate form (command and global shortcut). */
export function registerForms(listeners: SlackListeners, deps: Deps): void {
  listeners.shortcut(GATE_FORM.shortcut, gateShortcut(deps));
  listeners.action(GATE_FORM.projectAction, gateProjectPicked(deps));
  listeners.view(GATE_FORM.view, gateFormSubmitted(deps));
}

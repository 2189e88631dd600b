import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { GATE_FORM, SCHEDULE_FORM } from '../../../messages/ids/forms.js';
import { gateFormSubmitted } from './gate-form-submitted.js';
import { gateProjectPicked } from './gate-project-picked.js';
import { gateShortcut } from './gate-shortcut.js';
import { scheduleFormChanged } from './schedule-form-changed.js';
import { scheduleFormClicked } from './schedule-form-clicked.js';
import { scheduleFormSubmitted } from './schedule-form-submitted.js';

/** Forms instead of flags: the gate form (command and global shortcut) and the viability schedule form. */
export function registerForms(listeners: SlackListeners, deps: Deps): void {
  listeners.shortcut(GATE_FORM.shortcut, gateShortcut(deps));
  listeners.action(GATE_FORM.projectAction, gateProjectPicked(deps));
  listeners.view(GATE_FORM.view, gateFormSubmitted(deps));
  listeners.action(SCHEDULE_FORM.button, scheduleFormClicked(deps));
  listeners.action(SCHEDULE_FORM.cadenceAction, scheduleFormChanged(deps));
  listeners.action(SCHEDULE_FORM.cronAction, scheduleFormChanged(deps));
  listeners.action(SCHEDULE_FORM.tzAction, scheduleFormChanged(deps));
  listeners.view(SCHEDULE_FORM.view, scheduleFormSubmitted(deps));
}

import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { GATE_CANCEL_ACTION, GATE_CLOSE_ACTION, GATE_OWNER_MENU_ACTION, GATE_VOTE_ACTION, NOGO_CALLBACK } from '../../../messages/ids/gate.js';
import { noGoSubmitted } from './nogo-submitted.js';
import { ownerAction } from './owner-actions.js';
import { voteClicked } from './vote-clicked.js';

/** Go/no-go gates: vote buttons, the No-go reason modal, the owner's close and cancel. */
export function registerGates(listeners: SlackListeners, deps: Deps): void {
  listeners.action(GATE_VOTE_ACTION, voteClicked(deps));
  listeners.action(GATE_OWNER_MENU_ACTION, ownerAction(deps));
  // The buttons gate messages carried before the "⋯" menu: those messages are still out there.
  listeners.action(GATE_CLOSE_ACTION, ownerAction(deps, 'close'));
  listeners.action(GATE_CANCEL_ACTION, ownerAction(deps, 'cancel'));
  listeners.view(NOGO_CALLBACK, noGoSubmitted(deps));
}

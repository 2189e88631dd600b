import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { DRIFT_ACTION } from '../../../messages/ids/drift.js';
import { alertClicked } from './alert-clicked.js';

/** Drift alert threads: the Acknowledge, Snooze 24h and Resolve buttons. */
export function registerDrift(listeners: SlackListeners, deps: Deps): void {
  listeners.action(DRIFT_ACTION, alertClicked(deps));
}

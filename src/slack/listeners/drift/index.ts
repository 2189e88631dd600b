import type { App } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DRIFT_ACTION } from '../../../messages/ids/drift.js';
import { alertClicked } from './alert-clicked.js';

/** Drift alert threads: the Acknowledge, Snooze 24h and Resolve buttons. */
export function registerDrift(app: App, deps: Deps): void {
  app.action(DRIFT_ACTION, alertClicked(deps));
}

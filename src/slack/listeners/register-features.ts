import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { registerViability } from './viability.js';

/** Actions, views and message listeners of each feature; each feature adds one line here. */
export function registerFeatures(app: App, deps: Deps): void {
  registerViability(app, deps);
}

import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { registerGates } from './gates/index.js';

/** Actions, views and message listeners of each feature; each feature adds one line here. */
export function registerFeatures(app: App, deps: Deps): void {
  registerGates(app, deps);
}

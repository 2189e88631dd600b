import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { registerDrift } from './drift/index.js';
import { registerGates } from './gates/index.js';
import { registerIntake } from './intake/index.js';
import { registerRuns } from './runs.js';
import { registerViability } from './viability.js';

/** Actions, views and message listeners of each feature; each feature adds one line here. */
export function registerFeatures(app: App, deps: Deps): void {
  registerIntake(app, deps);
  registerRuns(app, deps);
  registerGates(app, deps);
  registerViability(app, deps);
  registerDrift(app, deps);
}

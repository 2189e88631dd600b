import type { SlackListeners } from './registry.js';
import type { Deps } from '../../deps.js';
import { registerDrift } from './drift/index.js';
import { registerForms } from './forms/index.js';
import { registerGates } from './gates/index.js';
import { registerIntake } from './intake/index.js';
import { registerRuns } from './runs.js';
import { registerViability } from './viability.js';

/** Actions, views and message listeners of each feature; each feature adds one line here. */
export function registerFeatures(listeners: SlackListeners, deps: Deps): void {
  registerIntake(listeners, deps);
  registerRuns(listeners, deps);
  registerGates(listeners, deps);
  registerViability(listeners, deps);
  registerDrift(listeners, deps);
  registerForms(listeners, deps);
}

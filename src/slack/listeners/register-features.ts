import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';

/** Actions, views and message listeners of each feature; each feature adds one line here. */
export function registerFeatures(_app: App, _deps: Deps): void {}

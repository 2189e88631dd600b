import type { JobRegistry } from './registry.js';

/** Every job kind of every feature; features add their handlers here. */
export function jobRegistry(): JobRegistry {
  return { schedules: {}, timers: {} };
}

import { INTAKE_IDLE_TIMER, intakeIdleTimer } from './intake-idle.js';
import type { JobRegistry } from './registry.js';

/** Every job kind of every feature; features add their handlers here. */
export function jobRegistry(): JobRegistry {
  return { schedules: {}, timers: { [INTAKE_IDLE_TIMER]: intakeIdleTimer } };
}

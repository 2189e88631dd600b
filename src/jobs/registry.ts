import type { Deps } from '../deps.js';
import type { ScheduleRow, TimerRow } from '../db/repositories/schedules.js';
import type { OutboxRenderer } from './outbox-worker.js';

/** Runs one claimed slot of a recurring schedule. */
export type ScheduleHandler = (deps: Deps, run: { schedule: ScheduleRow; slotAt: Date; now: Date }) => Promise<void>;
/** Runs one due one-shot timer (gate deadline, reminder, escalation…). */
export type TimerHandler = (deps: Deps, run: { timer: TimerRow; now: Date }) => Promise<void>;

export interface JobRegistry {
  schedules: Record<string, ScheduleHandler>;
  timers: Record<string, TimerHandler>;
  /** Outbox rows rendered at send time, by `payload.render.kind`. */
  renderers?: Record<string, OutboxRenderer>;
}

import type { OutboxFailureHandler, OutboxRenderer, ScheduleHandler, ScheduleStopHandler, TimerHandler } from '../services/job-handlers.js';

export type { OutboxFailureHandler, OutboxRenderer, ScheduleHandler, ScheduleStopHandler, TimerHandler };

export interface JobRegistry {
  schedules: Record<string, ScheduleHandler>;
  /** By schedule kind: turns off a schedule that cannot be computed any more and tells its owner. */
  scheduleStops?: Record<string, ScheduleStopHandler>;
  timers: Record<string, TimerHandler>;
  /** Outbox rows rendered at send time, by `payload.render.kind`. */
  renderers?: Record<string, OutboxRenderer>;
  /** What to do when an outbox row fails for good, by `payload.on_failure.kind`. */
  outboxFailures?: Record<string, OutboxFailureHandler>;
}

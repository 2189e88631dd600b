import type { OutboxRenderer, ScheduleHandler, TimerHandler } from '../services/job-handlers.js';

export type { OutboxRenderer, ScheduleHandler, TimerHandler };

export interface JobRegistry {
  schedules: Record<string, ScheduleHandler>;
  timers: Record<string, TimerHandler>;
  /** Outbox rows rendered at send time, by `payload.render.kind`. */
  renderers?: Record<string, OutboxRenderer>;
}

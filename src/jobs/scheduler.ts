import type { Deps } from '../deps.js';
import { advanceSchedule, claimDueTimers, claimSlot, completeTimer, deactivateScheduleById, dueSchedules, retryTimer } from '../db/repositories/schedules.js';
import { latestSlotAtOrBefore, nextSlot } from '../domain/schedule/slots.js';
import type { JobRegistry } from './registry.js';

const TIMER_LEASE_MS = 5 * 60_000;
const BATCH = 200;

/**
 * Fires every due slot once across replicas. A schedule whose next slot passed long ago (the app
 * was down) runs only its latest missed slot, never a burst. Schedules are read from the database
 * on every call, so a schedule created, changed or turned off by any replica takes effect on the
 * next tick everywhere, and nothing per schedule is held in memory. Returns the number of slots
 * this replica ran.
 */
export async function runDueSchedules(deps: Deps, registry: JobRegistry, now: Date, instanceId: string): Promise<number> {
  let ran = 0;
  for (;;) {
    const due = await dueSchedules(deps.db, now, BATCH);
    if (due.length === 0) return ran;
    for (const schedule of due) {
      let slotAt: Date;
      let next: Date;
      try {
        slotAt = latestSlotAtOrBefore(schedule.cron, schedule.timezone, now, new Date(schedule.nextRunAt.getTime() - 1)) ?? schedule.nextRunAt;
        next = nextSlot(schedule.cron, schedule.timezone, now);
      } catch (err) {
        // Only a row written around the validation could get here; left active it would stall every tick.
        deps.log.error(`schedule ${schedule.kind}/${schedule.ref} has an unusable cron "${schedule.cron}" (${schedule.timezone}); turning it off`, err);
        await deactivateScheduleById(deps.db, schedule.id, now);
        continue;
      }
      const claimed = await claimSlot(deps.db, schedule.id, slotAt, instanceId, now);
      await advanceSchedule(deps.db, schedule.id, schedule.nextRunAt, next);
      if (!claimed) continue;
      const handler = registry.schedules[schedule.kind];
      if (!handler) {
        deps.log.warn(`no handler for schedule kind ${schedule.kind}`);
        continue;
      }
      ran++;
      // The slot is claimed before it runs: a crash here loses that one slot rather than doubling it.
      await handler(deps, { schedule, slotAt, now }).catch((err: unknown) => deps.log.error(`schedule ${schedule.kind}/${schedule.ref} slot ${slotAt.toISOString()} failed`, err));
    }
    if (due.length < BATCH) return ran;
  }
}

/** Runs due one-shot timers; a failed one is retried a minute later, up to 5 attempts. */
export async function runDueTimers(deps: Deps, registry: JobRegistry, now: Date, instanceId: string): Promise<number> {
  let ran = 0;
  for (;;) {
    const claimed = await claimDueTimers(deps.db, now, instanceId, TIMER_LEASE_MS, BATCH);
    for (const timer of claimed) {
      const handler = registry.timers[timer.kind];
      try {
        if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
        await handler(deps, { timer, now });
        await completeTimer(deps.db, timer.id, now);
        ran++;
      } catch (err) {
        deps.log.error(`timer ${timer.kind}/${timer.ref} failed (attempt ${timer.attempts})`, err);
        if (timer.attempts >= 5) await completeTimer(deps.db, timer.id, now);
        else await retryTimer(deps.db, timer.id, new Date(now.getTime() + 60_000));
      }
    }
    if (claimed.length < BATCH) return ran;
  }
}

import type { Deps } from '../deps.js';
import { advanceSchedules, claimDueTimers, claimSlots, completeTimer, deactivateScheduleById, dueSchedules, retryTimer, type ScheduleRow } from '../db/repositories/schedules.js';
import { dueSlotAndNext } from '../domain/schedule/slots.js';
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
  // A row whose compare-and-set keeps failing must not keep this pass busy: each (schedule, due
  // value) is handled once per pass.
  const seen = new Set<string>();
  const slotMemo = new Map<string, { latest: Date | null; next: Date }>();
  for (;;) {
    const fetched = await dueSchedules(deps.db, now, BATCH);
    const due = fetched.filter((s) => !seen.has(`${s.id}@${s.nextRunAt.getTime()}`));
    if (due.length === 0) return ran;
    const plans: { schedule: ScheduleRow; slotAt: Date; next: Date }[] = [];
    for (const schedule of due) {
      seen.add(`${schedule.id}@${schedule.nextRunAt.getTime()}`);
      try {
        // Many schedules share a cron, zone and due slot ("weekly mon 09:00", Europe/Berlin): compute each once per pass.
        const key = `${schedule.cron}|${schedule.timezone}|${schedule.nextRunAt.getTime()}`;
        let slots = slotMemo.get(key);
        if (!slots) slotMemo.set(key, (slots = dueSlotAndNext(schedule.cron, schedule.timezone, now, new Date(schedule.nextRunAt.getTime() - 1))));
        const { latest, next } = slots;
        plans.push({ schedule, slotAt: latest ?? schedule.nextRunAt, next });
      } catch (err) {
        // Only a row written around the validation could get here; left active it would stall every tick.
        deps.log.error(`schedule ${schedule.kind}/${schedule.ref} has an unusable cron "${schedule.cron}" (${schedule.timezone}); turning it off`, err);
        await deactivateScheduleById(deps.db, schedule.id, now);
      }
    }
    // Claim first, then advance: a crash in between leaves the slot claimed, and the next pass
    // only advances the schedule (its claim conflicts), so the slot still runs at most once.
    const won = await claimSlots(deps.db, plans.map((p) => ({ scheduleId: p.schedule.id, slotAt: p.slotAt })), instanceId, now);
    await advanceSchedules(deps.db, plans.map((p) => ({ id: p.schedule.id, expected: p.schedule.nextRunAt, next: p.next })));
    for (const { schedule, slotAt } of plans) {
      if (!won.has(`${schedule.id}@${slotAt.getTime()}`)) continue;
      const handler = registry.schedules[schedule.kind];
      if (!handler) {
        deps.log.warn(`no handler for schedule kind ${schedule.kind}`);
        continue;
      }
      ran++;
      // The slot is claimed before it runs: a crash here loses that one slot rather than doubling it.
      await handler(deps, { schedule, slotAt, now }).catch((err: unknown) => deps.log.error(`schedule ${schedule.kind}/${schedule.ref} slot ${slotAt.toISOString()} failed`, err));
    }
    if (fetched.length < BATCH) return ran;
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

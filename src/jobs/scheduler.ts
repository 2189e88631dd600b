import type { Deps } from '../deps.js';
import { z } from 'zod';
import {
  addTimer,
  advanceSchedules,
  claimDueTimers,
  claimSlots,
  completeTimer,
  deactivateScheduleById,
  dueSchedules,
  findScheduleById,
  laterSlotClaimed,
  retryTimer,
  type ScheduleRow,
} from '../db/repositories/schedules.js';
import { dueSlotAndNext } from '../domain/schedule/slots.js';
import type { JobRegistry, TimerHandler } from './registry.js';

const TIMER_LEASE_MS = 5 * 60_000;
const BATCH = 200;
/** A failed timer (or schedule slot) is tried again after 1 min, 2, 4 … at most an hour apart. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;

/** The one-shot timer that runs a schedule slot again after its handler failed. */
export const SCHEDULE_RETRY_TIMER = 'schedule.retry';
const RetryPayload = z.object({ scheduleId: z.number().int().positive(), slotAt: z.iso.datetime() });

export function timerRetryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}

/**
 * Runs a slot whose handler failed, again. Skipped when the schedule was deleted or turned off
 * meanwhile, or has already run a later slot (as after downtime, only the latest slot matters).
 * Schedule handlers are idempotent per slot, so running one twice is safe.
 */
function retrySlot(registry: JobRegistry): TimerHandler {
  return async (deps, { timer, now }) => {
    const { scheduleId, slotAt: slotIso } = RetryPayload.parse(timer.payload);
    const slotAt = new Date(slotIso);
    const schedule = await findScheduleById(deps.db, scheduleId);
    if (!schedule?.active) {
      deps.log.info(`schedule ${scheduleId} is gone or off; not retrying its slot ${slotIso}`);
      return;
    }
    if (await laterSlotClaimed(deps.db, scheduleId, slotAt)) {
      deps.log.warn(`schedule ${schedule.kind}/${schedule.ref} slot ${slotIso} is superseded by a later slot; not retrying it`);
      return;
    }
    const handler = registry.schedules[schedule.kind];
    if (!handler) throw new Error(`no handler for schedule kind ${schedule.kind}`);
    await handler(deps, { schedule, slotAt, now });
  };
}

/** Queues a retry of a failed slot; failing to queue it is logged, as the slot is then lost. */
async function queueSlotRetry(deps: Deps, schedule: ScheduleRow, slotAt: Date, now: Date): Promise<void> {
  const slotIso = slotAt.toISOString();
  try {
    await addTimer(deps.db, {
      teamId: schedule.teamId,
      kind: SCHEDULE_RETRY_TIMER,
      ref: `${schedule.id}@${slotIso}`,
      dueAt: new Date(now.getTime() + RETRY_BASE_MS),
      payload: { scheduleId: schedule.id, slotAt: slotIso },
    });
  } catch (err) {
    deps.log.error(`could not queue a retry of schedule ${schedule.kind}/${schedule.ref} slot ${slotIso}; that slot is lost`, err);
  }
}

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
      // The slot is claimed before it runs, so a crash here loses that one slot rather than doubling
      // it; a handler that fails is tried again through a one-shot timer a minute later.
      try {
        await handler(deps, { schedule, slotAt, now });
      } catch (err) {
        deps.log.error(`schedule ${schedule.kind}/${schedule.ref} slot ${slotAt.toISOString()} failed; retrying it in a minute`, err);
        await queueSlotRetry(deps, schedule, slotAt, now);
      }
    }
    if (fetched.length < BATCH) return ran;
  }
}

/**
 * Runs due one-shot timers. A failed one is never given up (a gate deadline given up would leave
 * the gate open for ever): it is tried again after 1 min, 2, 4 … then hourly, each failure logged.
 */
export async function runDueTimers(deps: Deps, registry: JobRegistry, now: Date, instanceId: string): Promise<number> {
  let ran = 0;
  const retry = retrySlot(registry);
  for (;;) {
    const claimed = await claimDueTimers(deps.db, now, instanceId, TIMER_LEASE_MS, BATCH);
    for (const timer of claimed) {
      const handler = registry.timers[timer.kind] ?? (timer.kind === SCHEDULE_RETRY_TIMER ? retry : undefined);
      try {
        if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
        await handler(deps, { timer, now });
        await completeTimer(deps.db, timer.id, now);
        ran++;
      } catch (err) {
        const at = new Date(now.getTime() + timerRetryDelayMs(timer.attempts));
        deps.log.error(`timer ${timer.kind}/${timer.ref} failed (attempt ${timer.attempts}); trying again at ${at.toISOString()}`, err);
        await retryTimer(deps.db, timer.id, at);
      }
    }
    if (claimed.length < BATCH) return ran;
  }
}

import type { Deps } from '../deps.js';
import { z } from 'zod';
import {
  advanceSchedules,
  claimDueTimers,
  claimSlots,
  completeTimer,
  completeTimers,
  deactivateScheduleById,
  dueSchedules,
  findScheduleById,
  laterSlotClaimed,
  retryTimer,
  type ScheduleRow,
  type TimerRow,
} from '../db/repositories/schedules.js';
import { dueSlotAndNext } from '../domain/schedule/slots.js';
import type { JobRegistry, TimerHandler } from './registry.js';

const TIMER_LEASE_MS = 5 * 60_000;
const BATCH = 200;
/** A failed timer (or schedule slot) is tried again after 1 min, 2, 4 … at most an hour apart. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;

/**
 * The one-shot timer that runs a claimed schedule slot (ref `<scheduleId>@<slot>`), and runs it
 * again after a failure. The kind keeps its first name, from when it only retried failed slots, so
 * timers already queued still run.
 */
export const SCHEDULE_RETRY_TIMER = 'schedule.retry';
const SlotPayload = z.object({ scheduleId: z.number().int().positive(), slotAt: z.iso.datetime() });

export function timerRetryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}

/** Runs one slot with its kind's handler; an unknown kind fails (and is retried: a newer replica may know it). */
async function runSlot(deps: Deps, registry: JobRegistry, schedule: ScheduleRow, slotAt: Date, now: Date): Promise<void> {
  const handler = registry.schedules[schedule.kind];
  if (!handler) throw new Error(`no handler for schedule kind ${schedule.kind}`);
  await handler(deps, { schedule, slotAt, now });
}

/**
 * A slot's timer, when it runs from the timer queue: the instance that claimed the slot died before
 * finishing it (its lease ran out), or the slot's handler failed. Skipped when the schedule was
 * deleted or turned off meanwhile, or has already run a later slot (as after downtime, only the
 * latest slot matters). Schedule handlers are idempotent per slot, so running one twice is safe.
 */
function slotTimer(registry: JobRegistry): TimerHandler {
  return async (deps, { timer, now }) => {
    const { scheduleId, slotAt: slotIso } = SlotPayload.parse(timer.payload);
    const slotAt = new Date(slotIso);
    const schedule = await findScheduleById(deps.db, scheduleId);
    if (!schedule?.active) {
      deps.log.info(`schedule ${scheduleId} is gone or off; not running its slot ${slotIso}`);
      return;
    }
    if (await laterSlotClaimed(deps.db, scheduleId, slotAt)) {
      deps.log.warn(`schedule ${schedule.kind}/${schedule.ref} slot ${slotIso} is superseded by a later slot; not running it`);
      return;
    }
    await runSlot(deps, registry, schedule, slotAt, now);
  };
}

/** Puts a timer that failed back in the queue, with the backoff for its attempt count. */
async function timerFailed(deps: Deps, timer: TimerRow, now: Date, err: unknown, what = `timer ${timer.kind}/${timer.ref}`): Promise<void> {
  const at = new Date(now.getTime() + timerRetryDelayMs(timer.attempts));
  deps.log.error(`${what} failed (attempt ${timer.attempts}); trying again at ${at.toISOString()}`, err);
  await retryTimer(deps.db, timer.id, at);
}

/**
 * A schedule whose slots cannot be computed (only a row written around the validation, or a zone
 * the platform no longer knows): left active it would fail on every tick, so it is turned off, and
 * its kind's stop handler tells its owner in the same transaction. A kind without one (a mechanism
 * with nobody to tell) is turned off here, with an error logged.
 */
async function stopUnusable(deps: Deps, registry: JobRegistry, schedule: ScheduleRow, err: unknown, now: Date): Promise<void> {
  const what = `schedule ${schedule.kind}/${schedule.ref} cannot be computed (cron "${schedule.cron}", zone ${schedule.timezone})`;
  const stop = registry.scheduleStops?.[schedule.kind];
  try {
    if (!stop) {
      deps.log.error(`${what}; turning it off`, err);
      await deactivateScheduleById(deps.db, schedule.id, now);
      return;
    }
    const reason = err instanceof Error ? err.message : String(err);
    if (await stop(deps, { schedule, reason, now })) deps.log.error(`${what}; turned it off and told its owner`, err);
  } catch (stopErr) {
    // Left on, it is tried again on the next tick.
    deps.log.error(`${what}, and turning it off failed`, stopErr);
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
        await stopUnusable(deps, registry, schedule, err, now);
      }
    }
    // Claim first, then advance: a crash in between leaves the slot claimed, and the next pass only
    // advances the schedule (its claim conflicts). Each slot won comes with its timer, leased to
    // this instance and committed with the claim: a crash after the claim leaves the timer, which
    // another pass runs when the lease runs out, so a claimed slot is run, once, rather than lost.
    const started = await claimSlots(
      deps.db,
      plans.map((p) => ({ scheduleId: p.schedule.id, teamId: p.schedule.teamId, slotAt: p.slotAt })),
      { timerKind: SCHEDULE_RETRY_TIMER, claimedBy: instanceId, now, leaseUntil: new Date(now.getTime() + TIMER_LEASE_MS) },
    );
    await advanceSchedules(deps.db, plans.map((p) => ({ id: p.schedule.id, expected: p.schedule.nextRunAt, next: p.next })));
    const done: number[] = [];
    for (const { schedule, slotAt } of plans) {
      const timer = started.get(`${schedule.id}@${slotAt.getTime()}`);
      if (!timer) continue;
      ran++;
      deps.metrics.schedulerLag.observe({ job: 'schedule' }, Math.max(0, (now.getTime() - slotAt.getTime()) / 1000));
      // A handler that fails leaves its timer to run the slot again a minute later, with the timers' backoff.
      try {
        await runSlot(deps, registry, schedule, slotAt, now);
        done.push(timer.id);
      } catch (err) {
        await timerFailed(deps, timer, now, err, `schedule ${schedule.kind}/${schedule.ref} slot ${slotAt.toISOString()}`);
      }
    }
    // A crash before this line runs those slots again when their leases run out: handlers are idempotent per slot.
    await completeTimers(deps.db, done, now);
    if (fetched.length < BATCH) return ran;
  }
}

/**
 * Runs due one-shot timers. A failed one is never given up (a gate deadline given up would leave
 * the gate open for ever): it is tried again after 1 min, 2, 4 … then hourly, each failure logged.
 */
export async function runDueTimers(deps: Deps, registry: JobRegistry, now: Date, instanceId: string): Promise<number> {
  let ran = 0;
  const slot = slotTimer(registry);
  for (;;) {
    const claimed = await claimDueTimers(deps.db, now, instanceId, TIMER_LEASE_MS, BATCH);
    for (const timer of claimed) {
      const handler = registry.timers[timer.kind] ?? (timer.kind === SCHEDULE_RETRY_TIMER ? slot : undefined);
      try {
        if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
        deps.metrics.schedulerLag.observe({ job: 'timer' }, Math.max(0, (now.getTime() - timer.dueAt.getTime()) / 1000));
        await handler(deps, { timer, now });
        await completeTimer(deps.db, timer.id, now);
        ran++;
      } catch (err) {
        await timerFailed(deps, timer, now, err);
      }
    }
    if (claimed.length < BATCH) return ran;
  }
}

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTimer, countClaims, deactivateSchedule, findSchedule, upsertSchedule } from '../../src/db/repositories/schedules.js';
import { schedules, timers } from '../../src/db/schema/index.js';
import { nextSlot } from '../../src/domain/schedule/slots.js';
import type { JobRegistry } from '../../src/jobs/registry.js';
import { runDueSchedules } from '../../src/jobs/scheduler.js';
import { TestClock, waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import type { RunningApp } from '../../src/app.js';

const TEAM = 'T0SANDBOX';
const iso = (d: Date) => d.toISOString();

/**
 * The scheduler with recording handlers, on a real database, driven by a test clock: what fires,
 * when, and how often, with several instances on one database.
 */
describe.each(databaseKinds())('scheduler and timers (%s)', (kind) => {
  let h: Harness;
  let replicas: RunningApp[];
  const fired: { ref: string; slotAt: string }[] = [];
  const timerRuns: { ref: string; at: string }[] = [];
  let failTimerOnce = new Set<string>();
  /** How many more times a timer (by ref) or a schedule's slots (by ref) fail before succeeding. */
  const failTimes = new Map<string, number>();
  const failSlots = new Map<string, number>();
  const attempts: { ref: string; at: string }[] = [];
  const errors: string[] = [];
  const takeFailure = (m: Map<string, number>, ref: string) => {
    const n = m.get(ref) ?? 0;
    if (n > 0) m.set(ref, n - 1);
    return n > 0;
  };
  const registry: JobRegistry = {
    schedules: {
      test: async (_deps, { schedule, slotAt, now }) => {
        attempts.push({ ref: schedule.ref, at: iso(now) });
        if (takeFailure(failSlots, schedule.ref)) throw new Error('slot handler failed');
        fired.push({ ref: schedule.ref, slotAt: iso(slotAt) });
      },
    },
    timers: {
      test: async (_deps, { timer, now }) => {
        if (failTimerOnce.delete(timer.ref)) throw new Error('flaky handler');
        if (takeFailure(failTimes, timer.ref)) {
          attempts.push({ ref: timer.ref, at: iso(now) });
          throw new Error('still failing');
        }
        timerRuns.push({ ref: timer.ref, at: iso(now) });
      },
    },
  };
  const quiet = () => undefined;
  const log = { debug: quiet, info: quiet, warn: quiet, error: (...msg: unknown[]) => void errors.push(String(msg[0])) };
  const clock = new TestClock('2026-03-27T00:00:00Z');
  const db = () => h.database.db;
  const tickAll = (now: Date) => Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(now)));
  const schedule = (ref: string, cron: string, tz: string, now: Date) =>
    upsertSchedule(db(), { teamId: TEAM, kind: 'test', ref, cron, timezone: tz, nextRunAt: nextSlot(cron, tz, now), now });

  beforeAll(async () => {
    h = await bootApp(kind, { clock, start: { jobs: registry, log } });
    replicas = [await h.replica(), await h.replica()];
    // No Bolt app calls Slack at start-up (its token is verified on its first request), so the
    // tick loops below need not wait for anything first.
    expect(h.slack.store.callsTo('auth.test')).toHaveLength(0);
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    fired.length = 0;
    timerRuns.length = 0;
    attempts.length = 0;
    errors.length = 0;
    failTimes.clear();
    failSlots.clear();
    failTimerOnce = new Set();
    await db().update(schedules).set({ active: false });
  });

  it('daily 09:00 Europe/Berlin fires at 08:00Z before the spring change and 07:00Z after it', async () => {
    const start = new Date('2026-03-27T00:00:00Z');
    await schedule('dst', '0 9 * * *', 'Europe/Berlin', start);
    for (let t = start.getTime(); t <= Date.parse('2026-03-31T00:00:00Z'); t += 60 * 60_000) await h.app.jobs.tick(new Date(t));
    expect(fired.filter((f) => f.ref === 'dst').map((f) => f.slotAt)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('a 02:30 Berlin job fires once on the autumn day whose 02:30 happens twice', async () => {
    const start = new Date('2026-10-24T12:00:00Z');
    await schedule('fall', '30 2 * * *', 'Europe/Berlin', start);
    for (let t = start.getTime(); t <= Date.parse('2026-10-26T12:00:00Z'); t += 30 * 60_000) await h.app.jobs.tick(new Date(t));
    expect(fired.filter((f) => f.ref === 'fall').map((f) => f.slotAt)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('three instances ticking together fire each slot exactly once, with one claim per slot', async () => {
    const start = new Date('2026-04-01T00:00:00Z');
    const row = await schedule('replicas', '*/5 * * * * *', 'UTC', start);
    const slots: Date[] = [];
    for (let i = 1; i <= 6; i++) slots.push(new Date(start.getTime() + i * 5000));
    for (const s of slots) await tickAll(s);
    expect(fired.filter((f) => f.ref === 'replicas').map((f) => f.slotAt)).toEqual(slots.map(iso));
    expect(await countClaims(db(), row.id)).toBe(6);
  });

  it('after downtime only the latest missed slot runs, once', async () => {
    const start = new Date('2026-04-02T00:00:00Z');
    const row = await schedule('downtime', '0 * * * *', 'UTC', start);
    // Nobody ticked for five hours and a half: slots 01:00 … 05:00 were missed.
    const back = new Date('2026-04-02T05:30:00Z');
    await tickAll(back);
    await tickAll(new Date(back.getTime() + 1000));
    expect(fired.filter((f) => f.ref === 'downtime').map((f) => f.slotAt)).toEqual(['2026-04-02T05:00:00.000Z']);
    const [after] = await db().select().from(schedules).where(eq(schedules.id, row.id));
    expect(iso(after!.nextRunAt)).toBe('2026-04-02T06:00:00.000Z');
  });

  it('turning a schedule off stops it; changing its cron takes effect on the next tick, with no reload', async () => {
    const start = new Date('2026-04-03T00:00:00Z');
    await schedule('live', '0 * * * *', 'UTC', start);
    await h.app.jobs.tick(new Date('2026-04-03T01:00:00Z'));
    // Another instance changes it to every 10 minutes: this instance sees it at once.
    await schedule('live', '*/10 * * * *', 'UTC', new Date('2026-04-03T01:00:00Z'));
    for (const t of ['01:05', '01:10', '01:20']) await h.app.jobs.tick(new Date(`2026-04-03T${t}:00Z`));
    expect(await deactivateSchedule(db(), 'test', 'live', new Date('2026-04-03T01:21:00Z'))).toBe(true);
    for (const t of ['01:30', '02:00', '03:00']) await tickAll(new Date(`2026-04-03T${t}:00Z`));
    expect(fired.filter((f) => f.ref === 'live').map((f) => f.slotAt)).toEqual(['2026-04-03T01:00:00.000Z', '2026-04-03T01:10:00.000Z', '2026-04-03T01:20:00.000Z']);
    expect(await deactivateSchedule(db(), 'test', 'live', new Date('2026-04-03T03:00:00Z'))).toBe(false);
  });

  it('a stored schedule with an unusable cron is turned off instead of stalling the others', async () => {
    const now = new Date('2026-04-04T00:00:00Z');
    await schedule('good', '*/10 * * * *', 'UTC', now);
    await db().insert(schedules).values({ teamId: TEAM, kind: 'test', ref: 'broken', cron: '99 * * * *', timezone: 'UTC', nextRunAt: now, createdAt: now, updatedAt: now });
    await h.app.jobs.tick(new Date('2026-04-04T00:10:00Z'));
    expect(fired.map((f) => f.ref)).toEqual(['good']);
    const [broken] = await db().select().from(schedules).where(eq(schedules.ref, 'broken'));
    expect(broken!.active).toBe(false);
  });

  it('a timer runs once across instances; a failing one is retried a minute later', async () => {
    const due = new Date('2026-04-05T10:00:00Z');
    await addTimer(db(), { teamId: TEAM, kind: 'test', ref: 'once', dueAt: due });
    await addTimer(db(), { teamId: TEAM, kind: 'test', ref: 'flaky', dueAt: due });
    failTimerOnce.add('flaky');
    await tickAll(new Date(due.getTime() - 1000));
    expect(timerRuns).toEqual([]);
    await tickAll(due);
    await tickAll(new Date(due.getTime() + 30_000));
    expect(timerRuns.map((r) => r.ref)).toEqual(['once']);
    await tickAll(new Date(due.getTime() + 61_000));
    await tickAll(new Date(due.getTime() + 120_000));
    expect(timerRuns.map((r) => r.ref)).toEqual(['once', 'flaky']);
  });

  it('a timer held by an instance that died is run by another after its lease runs out', async () => {
    const due = new Date('2026-04-06T10:00:00Z');
    await addTimer(db(), { teamId: TEAM, kind: 'test', ref: 'orphan', dueAt: due });
    // As if a crashed replica had claimed it: leased for 5 minutes, never completed.
    await db().update(timers).set({ leaseUntil: new Date(due.getTime() + 5 * 60_000), claimedBy: 'dead', attempts: 1 }).where(eq(timers.ref, 'orphan'));
    await tickAll(new Date(due.getTime() + 60_000));
    expect(timerRuns).toEqual([]);
    await tickAll(new Date(due.getTime() + 6 * 60_000));
    expect(timerRuns.map((r) => r.ref)).toEqual(['orphan']);
  });

  it('a slot whose handler fails is run again for the same slot a minute later, once', async () => {
    const start = new Date('2026-04-07T00:00:00Z');
    await schedule('retried', '0 * * * *', 'UTC', start);
    failSlots.set('retried', 1);
    const slot = new Date('2026-04-07T01:00:00Z');
    await tickAll(slot);
    expect(fired).toEqual([]);
    expect(errors.some((e) => e.includes('test/retried slot 2026-04-07T01:00:00.000Z failed (attempt 1)'))).toBe(true);
    // The slot's own timer, claimed with the slot, is put back for a minute later.
    const [retry] = await db().select().from(timers).where(eq(timers.ref, `${(await findSchedule(db(), 'test', 'retried'))!.id}@2026-04-07T01:00:00.000Z`));
    expect(retry).toMatchObject({ kind: 'schedule.retry', attempts: 1, leaseUntil: new Date('2026-04-07T01:01:00Z'), doneAt: null });
    await tickAll(new Date('2026-04-07T01:00:30Z'));
    await tickAll(new Date('2026-04-07T01:01:00Z'));
    expect(fired).toEqual([]);
    // The heartbeat's next tick, a second later.
    await tickAll(new Date('2026-04-07T01:01:01Z'));
    await tickAll(new Date('2026-04-07T01:02:00Z'));
    expect(fired).toEqual([{ ref: 'retried', slotAt: '2026-04-07T01:00:00.000Z' }]);
    expect(attempts.map((a) => a.at)).toEqual(['2026-04-07T01:00:00.000Z', '2026-04-07T01:01:01.000Z']);
    // The next slot runs as usual.
    await tickAll(new Date('2026-04-07T02:00:00Z'));
    expect(fired.map((f) => f.slotAt)).toEqual(['2026-04-07T01:00:00.000Z', '2026-04-07T02:00:00.000Z']);
  });

  it('a failing slot keeps being retried with backoff; it is dropped once the schedule is off or a later slot ran', async () => {
    const start = new Date('2026-04-08T00:00:00Z');
    await schedule('stubborn', '0 * * * *', 'UTC', start);
    failSlots.set('stubborn', 3);
    for (const t of ['01:00:00', '01:01:01', '01:02:00', '01:03:02']) await h.app.jobs.tick(new Date(`2026-04-08T${t}Z`));
    expect(attempts.map((a) => a.at)).toEqual(['2026-04-08T01:00:00.000Z', '2026-04-08T01:01:01.000Z', '2026-04-08T01:03:02.000Z']);
    expect(fired).toEqual([]);
    // Off before the next retry (01:07:02): the retry finds it off and ends without running.
    await deactivateSchedule(db(), 'test', 'stubborn', new Date('2026-04-08T01:04:00Z'));
    await h.app.jobs.tick(new Date('2026-04-08T01:08:00Z'));
    await h.app.jobs.tick(new Date('2026-04-08T02:00:00Z'));
    expect(attempts).toHaveLength(3);
    const open = await db().select().from(timers).where(eq(timers.kind, 'schedule.retry'));
    expect(open.filter((t) => t.ref.endsWith('2026-04-08T01:00:00.000Z')).map((t) => t.doneAt !== null)).toEqual([true]);

    // Superseded: a retry that comes due after the schedule's next slot ran is dropped, not run late.
    await schedule('moved-on', '*/2 * * * *', 'UTC', new Date('2026-04-08T03:00:00Z'));
    failSlots.set('moved-on', 2);
    for (const t of ['03:02:00', '03:03:01', '03:04:00', '03:05:02', '03:06:00', '03:07:00']) await h.app.jobs.tick(new Date(`2026-04-08T${t}Z`));
    // 03:02 failed and so did its retry at 03:03; 03:04 ran; the next retry of 03:02 (after 03:04) was dropped.
    expect(attempts.filter((a) => a.ref === 'moved-on').map((a) => a.at.slice(11, 16))).toEqual(['03:02', '03:03', '03:04', '03:06']);
    expect(errors.some((e) => e.startsWith('timer schedule.retry/'))).toBe(true);
    expect(fired.filter((f) => f.ref === 'moved-on').map((f) => f.slotAt.slice(11, 16))).toEqual(['03:04', '03:06']);
  });

  it('a slot claimed by an instance that died before running it is run by another once the lease runs out, once', async () => {
    const start = new Date('2026-04-10T00:00:00Z');
    const row = await schedule('orphan-slot', '0 9 * * *', 'UTC', start);
    // An instance claims the 09:00 slot, then dies in the handler: its pass never finishes.
    let claimedByTheDead = false;
    const dying: JobRegistry = { schedules: { test: () => ((claimedByTheDead = true), new Promise<void>(() => undefined)) }, timers: {} };
    void runDueSchedules(h.app.deps, dying, new Date('2026-04-10T09:00:00Z'), 'dead');
    await waitFor(() => claimedByTheDead, 'the dead instance to claim the slot');
    // Its lease (5 minutes) holds the slot meanwhile.
    await tickAll(new Date('2026-04-10T09:01:00Z'));
    await tickAll(new Date('2026-04-10T09:05:00Z'));
    expect(fired).toEqual([]);
    await tickAll(new Date('2026-04-10T09:05:01Z'));
    await tickAll(new Date('2026-04-10T09:06:00Z'));
    expect(fired).toEqual([{ ref: 'orphan-slot', slotAt: '2026-04-10T09:00:00.000Z' }]);
    expect(await countClaims(db(), row.id)).toBe(1);
  });

  it('a schedule that cannot be computed is turned off through its kind\'s stop handler, which is told why', async () => {
    const stops: { ref: string; reason: string }[] = [];
    const withStop: JobRegistry = {
      ...registry,
      scheduleStops: {
        test: async (deps, { schedule: s, reason, now }) => {
          stops.push({ ref: s.ref, reason });
          return deactivateSchedule(deps.db, s.kind, s.ref, now);
        },
      },
    };
    const now = new Date('2026-04-11T00:00:00Z');
    await db().insert(schedules).values({ teamId: TEAM, kind: 'test', ref: 'told', cron: '0 9 * * *', timezone: 'Mars/Base', nextRunAt: now, createdAt: now, updatedAt: now });
    await runDueSchedules(h.app.deps, withStop, new Date('2026-04-11T00:10:00Z'), 'stopper');
    expect(stops).toEqual([{ ref: 'told', reason: 'Unknown time zone "Mars/Base". Use an IANA name such as Europe/Berlin.' }]);
    expect((await findSchedule(db(), 'test', 'told'))!.active).toBe(false);
  });

  it('a timer that keeps failing is never given up: retried after 1, 2, 4 … minutes, at most an hour apart, each failure logged', async () => {
    const due = new Date('2026-04-09T00:00:00Z');
    await addTimer(db(), { teamId: TEAM, kind: 'test', ref: 'deadline', dueAt: due });
    failTimes.set('deadline', 9);
    const delays: number[] = [];
    let at = due;
    for (let i = 0; i < 12 && timerRuns.length === 0; i++) {
      await h.app.jobs.tick(at);
      const [row] = await db().select().from(timers).where(eq(timers.ref, 'deadline'));
      if (row!.doneAt) break;
      delays.push((row!.leaseUntil!.getTime() - at.getTime()) / 60_000);
      // Not a moment before: a tick just before the retry time does not run it.
      await h.app.jobs.tick(new Date(row!.leaseUntil!.getTime() - 1000));
      at = new Date(row!.leaseUntil!.getTime() + 1000);
    }
    expect(attempts).toHaveLength(9);
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(timerRuns.map((r) => r.ref)).toEqual(['deadline']);
    expect(errors.filter((e) => e.startsWith('timer test/deadline failed')).map((e) => e.match(/attempt (\d+)/)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const [row] = await db().select().from(timers).where(eq(timers.ref, 'deadline'));
    expect(row).toMatchObject({ attempts: 10 });
    expect(row!.doneAt).not.toBeNull();
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTimer, countClaims, deactivateSchedule, upsertSchedule } from '../../src/db/repositories/schedules.js';
import { schedules, timers } from '../../src/db/schema/index.js';
import { nextSlot } from '../../src/domain/schedule/slots.js';
import type { JobRegistry } from '../../src/jobs/registry.js';
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
  const registry: JobRegistry = {
    schedules: {
      test: async (_deps, { schedule, slotAt }) => {
        fired.push({ ref: schedule.ref, slotAt: iso(slotAt) });
      },
    },
    timers: {
      test: async (_deps, { timer, now }) => {
        if (failTimerOnce.delete(timer.ref)) throw new Error('flaky handler');
        timerRuns.push({ ref: timer.ref, at: iso(now) });
      },
    },
  };
  const clock = new TestClock('2026-03-27T00:00:00Z');
  const db = () => h.database.db;
  const tickAll = (now: Date) => Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(now)));
  const schedule = (ref: string, cron: string, tz: string, now: Date) =>
    upsertSchedule(db(), { teamId: TEAM, kind: 'test', ref, cron, timezone: tz, nextRunAt: nextSlot(cron, tz, now), now });

  beforeAll(async () => {
    h = await bootApp(kind, { clock, start: { jobs: registry } });
    replicas = [await h.replica(), await h.replica()];
    // PGlite answers through microtasks, so a loop of ticks never lets the emulator accept a
    // connection: let each Bolt app's start-up auth.test through before the loops begin.
    await waitFor(() => h.slack.store.callsTo('auth.test').length >= 3, 'auth.test of each instance');
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    fired.length = 0;
    timerRuns.length = 0;
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
});

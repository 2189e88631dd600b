import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { createProject, type ProjectRow } from '../../src/db/repositories/projects.js';
import { auditLog, schedules, slotClaims, viabilityCheckins } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { runDueSchedules } from '../../src/jobs/scheduler.js';
import { runViabilitySlot } from '../../src/services/viability/checkin.js';
import { TestClock, waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness, testConfig } from '../helpers/harness.js';

const OWNER = 'U0OWNER';
const HOUR = 3_600_000;

/** Scheduling check-ins with /mlops viability, end to end: DST, off, replicas, downtime, bad input. */
describe.each(databaseKinds())('viability schedules through the emulator (%s)', (kind) => {
  let h: Harness;
  const clock = new TestClock('2026-03-27T00:00:00Z');
  beforeAll(async () => {
    h = await bootApp(kind, { clock, config: { minScheduleIntervalSeconds: 60 } });
  });
  afterAll(async () => h?.close());

  const project = async (slug: string): Promise<ProjectRow> =>
    (await createProject(h.database.db, { teamId: h.slack.teamId, slug, channelId: `C0${slug.toUpperCase().replace(/-/g, '')}`, ownerId: OWNER, now: clock.now() }))!;
  const command = async (text: string, channel = 'C0ELSEWHERE') => ((await h.people.command(OWNER, channel, `viability ${text}`)).body as { text: string }).text;
  const checkinMessages = (p: ProjectRow) => h.slack.store.channelMessages(p.channelId).filter((m) => m.text.startsWith('Viability check-in for'));
  const checkinRows = (p: ProjectRow) => h.database.db.select().from(viabilityCheckins).where(eq(viabilityCheckins.projectId, p.id)).orderBy(viabilityCheckins.slotAt);
  const tickEvery = async (stepMs: number, until: string) => {
    while (clock.now().getTime() + stepMs <= Date.parse(until)) await h.app.jobs.tick(clock.advance(stepMs));
  };
  const rowCounts = async () => {
    const [s] = await h.database.db.select({ n: count() }).from(schedules);
    const [a] = await h.database.db.select({ n: count() }).from(auditLog);
    return { schedules: s!.n, audit: a!.n };
  };

  it('daily 09:00 Europe/Berlin posts check-ins at 08:00Z, then 07:00Z after the spring change; off stops them', async () => {
    const p = await project('dst-model');
    const reply = await command('dst-model --every "daily 09:00" --tz europe/berlin');
    expect(reply).toContain('every day at 09:00');
    expect(reply).toContain('Europe/Berlin');
    // The first check-in as a person reads it: in the reader's zone (the date token) and in UTC, never a raw ISO string.
    expect(reply).toContain('<!date^1774598400^{date_short_pretty} at {time}|2026-03-27 08:00 UTC> (2026-03-27 08:00 UTC)');
    expect(reply).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);

    await tickEvery(HOUR, '2026-03-31T00:00:00Z');
    expect((await checkinRows(p)).map((c) => c.slotAt.toISOString())).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    const posted = checkinMessages(p);
    expect(posted).toHaveLength(4);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('Is the project still viable? Is it delivering value?');
    expect(JSON.stringify(posted[0]!.blocks)).toContain('In the *design* phase');
    // Each window closed before the next check-in. Nobody answered: the first silent one has its
    // summary in the thread, the next ones say so on their own message instead of another reply.
    const [first, ...later] = posted.slice(0, 3).map((m) => h.slack.store.find(m.channel, m.ts)!);
    expect(h.slack.store.threadReplies(p.channelId, first!.ts).map((r) => r.text).join()).toContain('closed: No responses');
    expect(later.map((m) => h.slack.store.threadReplies(p.channelId, m.ts))).toEqual([[], []]);
    expect(later.map((m) => JSON.stringify(m.blocks).match(/No answers \((\w+) silent check-in in a row\)/)?.[1])).toEqual(['2nd', '3rd']);

    expect(await command('dst-model off')).toContain('are off');
    await tickEvery(HOUR, '2026-04-02T00:00:00Z');
    expect(checkinMessages(p)).toHaveLength(4);
  });

  it('a schedule the app can no longer compute is turned off and its owner told in the channel, escaped', async () => {
    const p = await project('zone-model');
    await command('zone-model --every "daily 09:00" --tz Europe/Berlin');
    // As if written by an older version, or a zone the platform dropped: its slots cannot be computed.
    await h.database.db.update(schedules).set({ timezone: 'Mars/<Base>', nextRunAt: clock.now() }).where(eq(schedules.ref, String(p.id)));
    await h.app.jobs.tick(clock.advance(1000));
    await h.app.jobs.tick(clock.advance(1000));
    const [row] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    expect(row!.active).toBe(false);
    const notices = h.slack.store.channelMessages(p.channelId).filter((m) => m.text.includes('are off'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(`<@${OWNER}> Viability check-ins for *zone-model* are off`);
    expect(notices[0]!.text).toContain('(Mars/&lt;Base&gt;) can no longer be computed. Unknown time zone "Mars/&lt;Base&gt;"');
    expect(notices[0]!.text).not.toContain('<Base>');
    const audit = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'viability.schedule_stopped'));
    expect(audit.map((a) => a.projectId)).toEqual([p.id]);
    // Later ticks neither post again nor run it.
    await h.app.jobs.tick(clock.advance(HOUR));
    expect(h.slack.store.channelMessages(p.channelId).filter((m) => m.text.includes('are off'))).toHaveLength(1);
    expect(await command('zone-model')).toContain('No viability check-ins are scheduled');
  });

  it('off stops a slot already claimed: the check-in handler finds the schedule off in its transaction', async () => {
    const p = await project('late-off-model');
    await command('late-off-model --every "daily 09:00"');
    const [claimed] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    // The scheduler read the schedule as active and claimed its slot; the owner turns it off before the handler runs.
    expect(await command('late-off-model off')).toContain('are off');
    await runViabilitySlot(h.app.deps, { schedule: claimed!, slotAt: claimed!.nextRunAt, now: clock.now() });
    await h.app.jobs.tick(clock.advance(1000));
    expect(await checkinRows(p)).toEqual([]);
    expect(checkinMessages(p)).toHaveLength(0);
  });

  it('a slot claimed by an instance that died before posting it is posted by another once the claim\'s lease runs out', async () => {
    const p = await project('orphan-model');
    await command('orphan-model --every "daily 09:00"');
    const [sched] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    const slot = sched!.nextRunAt;
    clock.set(slot);
    // The dying instance claims the slot and never gets further (a crash inside its pass).
    let claimed = false;
    void runDueSchedules(h.app.deps, { schedules: { viability: () => ((claimed = true), new Promise<void>(() => undefined)) }, timers: {} }, slot, 'dying');
    await waitFor(() => claimed, 'the dying instance to claim the slot');
    await h.app.jobs.tick(clock.advance(60_000));
    expect(checkinMessages(p)).toHaveLength(0);
    await h.app.jobs.tick(clock.advance(5 * 60_000));
    await h.app.jobs.tick(clock.advance(1000));
    expect((await checkinRows(p)).map((c) => c.slotAt.toISOString())).toEqual([slot.toISOString()]);
    expect(checkinMessages(p)).toHaveLength(1);
    await command('orphan-model off');
  });

  it('refuses bad input with a reason naming it, writing nothing', async () => {
    await project('strict-model');
    const before = await rowCounts();
    expect(await command('strict-model --every "61 * * * *"')).toContain('the minute field "61" is not valid');
    expect(await command('strict-model --every "weekly funday 09:00"')).toContain('"funday" is not a day of the week');
    expect(await command('strict-model --every "daily 09:00" --tz Mars/Base')).toContain('Unknown time zone "Mars/Base"');
    expect(await command('strict-model --every "every 30s"')).toContain('fires every 30 seconds; the most frequent allowed is every 60 seconds (MIN_SCHEDULE_INTERVAL_SECONDS)');
    expect(await command('strict-model --every "*/10 * * * * *"')).toContain('fires every 10 seconds');
    expect(await command('strict-model --every "0 * * * *" --window 2h')).toContain('longer than the time between check-ins (1h)');
    expect(await command('strict-model off')).toContain('No viability check-ins are scheduled for *strict-model*; nothing to turn off');
    expect(await command('strict-model sometimes')).toContain('Unknown "sometimes"');
    expect(await command('ghost-model now')).toContain('There is no project `ghost-model`');
    expect(await command('')).toContain('Usage: /mlops viability');
    expect(await rowCounts()).toEqual(before);
    expect(await command('strict-model')).toContain('No viability check-ins are scheduled');
  });

  it('three app instances on one database post exactly one check-in per slot', async () => {
    const p = await project('multi-model');
    const replicas = [await h.replica(), await h.replica()];
    await command('multi-model --every "every 1m"');
    const [sched] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    const slots: string[] = [];
    for (let i = 0; i < 3; i++) {
      const slot = new Date(Math.ceil((clock.now().getTime() + 1) / 60_000) * 60_000);
      clock.set(slot);
      slots.push(slot.toISOString());
      await Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(slot)));
      // Anyone's outbox pass may deliver; one more concurrent pass makes sure all are out.
      await Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(slot)));
    }
    expect((await checkinRows(p)).map((c) => c.slotAt.toISOString())).toEqual(slots);
    expect(checkinMessages(p)).toHaveLength(3);
    const [claims] = await h.database.db.select({ n: count() }).from(slotClaims).where(eq(slotClaims.scheduleId, sched!.id));
    expect(claims!.n).toBe(3);
    await command('multi-model off');
  });

  it('a slot missed while no instance ran is run once, at start-up, for the latest missed slot only', async () => {
    const p = await project('sleepy-model');
    await command('sleepy-model --every hourly');
    // Nobody ticks: the app is down from here for five and a half hours.
    const down = clock.now();
    clock.set(new Date(Math.floor(down.getTime() / HOUR) * HOUR + 5.5 * HOUR));
    const latestMissed = new Date(Math.floor(clock.now().getTime() / HOUR) * HOUR).toISOString();
    const config = testConfig(h.slack, { minScheduleIntervalSeconds: 60 });
    const fresh = await startApp({ config, clock, database: h.database, fastSlackRetries: true, log: createLogger({ level: config.logLevel }), instanceId: 'after-downtime' });
    try {
      await waitFor(() => checkinMessages(p).length > 0, 'the start-up check-in', 10_000);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await fresh.stop();
    }
    expect(checkinMessages(p)).toHaveLength(1);
    expect((await checkinRows(p)).map((c) => c.slotAt.toISOString())).toEqual([latestMissed]);
    await command('sleepy-model off');
  });
});

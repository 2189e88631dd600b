import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedules, viabilityCheckins, viabilityResponses } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { TestClock } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { checkinSteps } from '../helpers/checkins.js';

const OWNER = 'U0OWNER';
const [ANA, BEN, CAY] = ['U0ANA', 'U0BEN', 'U0CAY'];
const OUTSIDER = 'U0ZED';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The emulator's DM with a person (conversations.open). */
const dmOf = (user: string) => `D${user.slice(1)}`;

/**
 * Check-ins as Geekbot runs them, through the emulator: the people asked are mentioned (and, with
 * `--ask dm`, messaged), the message shows who answered, those who did not are reminded once before
 * the close, the trend of the last check-ins is shown, the schedule's zone is the owner's, and a
 * quiet channel is not told "Nobody answered" after every check-in.
 */
describe.each(databaseKinds())('check-ins that ask people (%s)', (kind) => {
  let h: Harness;
  const clock = new TestClock('2026-03-02T08:00:00Z');
  beforeAll(async () => {
    h = await bootApp(kind, { clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  const { project, command, tick, checkins, fresh, replies, blocksText, answer, waitForText, postNow } = checkinSteps(() => h, clock);
  const dms = (user: string) => h.slack.store.channelMessages(dmOf(user));

  it('--ask dm: the schedule keeps it, the zone is the owner’s; the check-in mentions and DMs the stakeholders, a DM answer counts on the channel message', async () => {
    h.slack.addUser(OWNER, 'owner', 'America/New_York');
    const p = await project('fraud-detection');
    const reply = await command(`${p.slug} --every "daily 09:00" --ask dm --window 2h`);
    expect(reply).toContain('in America/New_York');
    expect(reply).toContain('each gets a DM');
    // 09:00 in New York (EST, UTC-5): the owner's morning, not UTC's.
    expect(reply).toContain('(2026-03-02 14:00 UTC)');
    const [schedule] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    expect(schedule).toMatchObject({ timezone: 'America/New_York', options: { windowSeconds: 7200, ask: 'dm' } });
    expect(await command(p.slug)).toContain('The stakeholders are mentioned in the channel and sent a DM.');

    // `now` asks the way the schedule does.
    const msg = await postNow(p);
    expect(blocksText(msg)).toContain('<@U0ANA> <@U0BEN> <@U0CAY> — is *fraud-detection* still worth it?');
    expect(blocksText(msg)).toContain('Waiting on: <@U0ANA>, <@U0BEN>, <@U0CAY>');
    const permalink = `${h.slack.url}/archives/${p.channelId}/p${msg.ts.replace('.', '')}`;
    for (const user of [ANA, BEN, CAY]) {
      const [dm] = dms(user);
      expect(dm, `the DM to ${user}`).toBeDefined();
      expect(blocksText(dm!)).toContain(permalink);
      expect(blocksText(dm!)).toContain('Is the project still viable?');
    }
    expect(dms(OWNER)).toHaveLength(0);

    // Ana answers from her DM: it counts like a click on the channel message, whose tally updates.
    expect(await answer(ANA, dms(ANA)[0]!, 'On track')).toContain('You answered *On track*');
    await waitForText(msg, 'On track 1 · At risk 0 · Not viable 0');
    expect(blocksText(fresh(msg))).toContain('Answered: <@U0ANA> · Waiting on: <@U0BEN>, <@U0CAY>');
    // Who answered is shown, what they answered is not.
    expect(blocksText(fresh(msg))).not.toMatch(/U0ANA>[^"]*On track/);
  });

  it('a new cadence without --ask keeps the schedule asking by DM; --ask channel turns the DMs off', async () => {
    const p = await project('keeps-dm');
    await command(`${p.slug} --every "daily 09:00" --ask dm`);
    const stored = async () => (await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id))))[0]!.options;
    expect(await command(`${p.slug} --every "weekly mon 10:00"`)).toContain('each gets a DM');
    expect(await stored()).toMatchObject({ ask: 'dm' });
    await command(`${p.slug} --every "weekly mon 10:00" --ask channel`);
    expect(await stored()).toMatchObject({ ask: 'channel' });
  });

  it('someone who is neither a stakeholder nor the owner is refused, politely and only to them; nothing is recorded', async () => {
    const p = (await h.database.db.query.projects.findFirst({ where: (t, { eq: e }) => e(t.slug, 'fraud-detection') }))!;
    const msg = checkins(p).at(-1)!;
    expect(await answer(OUTSIDER, msg, 'Not viable')).toContain('Only the stakeholders of *fraud-detection* and its owner (<@U0OWNER>) take part in its viability check-ins.');
    expect(await h.database.db.select().from(viabilityResponses).where(eq(viabilityResponses.userId, OUTSIDER))).toHaveLength(0);
    // The owner is not asked but may answer.
    expect(await answer(OWNER, msg, 'At risk')).toContain('You answered *At risk*');
  });

  it('30 minutes before a 2 h window closes, only those who have not answered get one reminder DM with the buttons and the link', async () => {
    const p = (await h.database.db.query.projects.findFirst({ where: (t, { eq: e }) => e(t.slug, 'fraud-detection') }))!;
    const msg = checkins(p).at(-1)!;
    await answer(BEN, dms(BEN)[0]!, 'On track');
    await h.app.jobs.tick(clock.advance(HOUR + 28 * MINUTE));
    expect(dms(CAY)).toHaveLength(1);
    await tick(2 * MINUTE);
    await tick();
    const reminder = dms(CAY)[1]!;
    expect(reminder.text).toContain('Reminder: the viability check-in of fraud-detection closes');
    expect(blocksText(reminder)).toContain(`${h.slack.url}/archives/${p.channelId}/p${msg.ts.replace('.', '')}`);
    expect(dms(ANA)).toHaveLength(1);
    expect(dms(BEN)).toHaveLength(1);
    // The reminder's buttons answer too; no second reminder follows.
    expect(await answer(CAY, reminder, 'At risk')).toContain('You answered *At risk*');
    await tick(10 * MINUTE);
    expect(dms(CAY)).toHaveLength(2);

    // The close: who answered stays on the message; the summary shows the trend, this check-in last.
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    // In the order they answered (the test clock stood still for the first three: then by user id).
    expect(blocksText(fresh(msg))).toContain('Answered: <@U0ANA>, <@U0BEN>, <@U0OWNER>, <@U0CAY>');
    expect(blocksText(fresh(msg))).toContain('result: *At risk*');
    const [summary] = replies(msg);
    expect(blocksText(summary!)).toContain('*Last 1:* 🟡');
  });

  it('the next check-in shows the trend; when everyone answered, nobody is reminded', async () => {
    const p = (await h.database.db.query.projects.findFirst({ where: (t, { eq: e }) => e(t.slug, 'fraud-detection') }))!;
    const msg = await postNow(p, '--window 1h');
    expect(blocksText(msg)).toContain('*Last 1:* 🟡');
    expect(blocksText(msg)).toMatch(/At risk"/);
    for (const user of [ANA, BEN, CAY]) await answer(user, msg, 'On track');
    const before = [ANA, BEN, CAY].map((u) => dms(u).length);
    await h.app.jobs.tick(clock.advance(50 * MINUTE));
    await tick();
    expect([ANA, BEN, CAY].map((u) => dms(u).length)).toEqual(before);
    await h.app.jobs.tick(clock.advance(10 * MINUTE));
    await tick();
    expect(blocksText(replies(msg)[0]!)).toContain('*Last 2:* 🟡 🟢');
  });

  it('--ask channel (the default): mentions only, no DM at posting; the reminder still reaches who did not answer', async () => {
    const p = await project('churn-model', [ANA, BEN]);
    const reply = await command(`${p.slug} --every "weekly mon 09:00"`);
    expect(reply).toContain('The stakeholders are mentioned there.');
    const before = [ANA, BEN].map((u) => dms(u).length);
    const msg = await postNow(p, '--window 1h');
    expect(blocksText(msg)).toContain('<@U0ANA> <@U0BEN> — is *churn-model* still worth it?');
    await tick();
    expect([ANA, BEN].map((u) => dms(u).length)).toEqual(before);
    await answer(ANA, msg, 'On track');
    await h.app.jobs.tick(clock.advance(45 * MINUTE));
    await tick();
    expect(dms(ANA)).toHaveLength(before[0]!);
    expect(dms(BEN)).toHaveLength(before[1]! + 1);
    expect(dms(BEN).at(-1)!.text).toContain('Reminder: the viability check-in of churn-model');
  });

  it('three app instances reach the reminder time together: each person who has not answered gets exactly one reminder', async () => {
    const p = await project('replica-model', [BEN, CAY]);
    const msg = await postNow(p, '--window 1h');
    await answer(BEN, msg, 'Not viable');
    const before = [BEN, CAY].map((u) => dms(u).length);
    const replicas = [await h.replica(), await h.replica()];
    const at = clock.advance(46 * MINUTE);
    await Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(at)));
    await Promise.all([h.app, ...replicas].map((a) => a.jobs.tick(at)));
    expect([BEN, CAY].map((u) => dms(u).length)).toEqual([before[0], before[1]! + 1]);
    expect(dms(CAY).at(-1)!.text).toContain('Reminder: the viability check-in of replica-model');
  });

  it('without --tz and no readable Slack zone, the schedule is in UTC and the reply says why', async () => {
    const p = await project('zone-model');
    h.slack.injectFault({ method: 'users.info', times: 1, status: 500 });
    const reply = await command(`${p.slug} --every "daily 09:00"`);
    expect(reply).toContain("in UTC — couldn't read your Slack time zone");
    const [schedule] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    expect(schedule!.timezone).toBe('UTC');
    // A bad --ask is refused with what to write, and nothing changes.
    expect(await command(`${p.slug} --every "daily 10:00" --ask email`)).toContain('use --ask channel');
    const [same] = await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id)));
    expect(same!.cron).toBe(schedule!.cron);
  });

  it('silent check-ins in a row: the first gets its summary, the next say so on their message; escalation still skips over them', async () => {
    const p = await project('quiet-model', [ANA]);
    const first = await postNow(p, '--window 1h');
    await answer(ANA, first, 'At risk');
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    expect(replies(first).map((r) => r.text)).toEqual([expect.stringContaining('closed: At risk')]);

    const silent: StoredMessage[] = [];
    for (let i = 0; i < 3; i++) {
      silent.push(await postNow(p, '--window 1h'));
      await h.app.jobs.tick(clock.advance(HOUR));
      await tick();
      await tick();
    }
    expect(replies(silent[0]!).map((r) => r.text)).toEqual([expect.stringContaining('closed: No responses')]);
    expect(replies(silent[1]!)).toEqual([]);
    expect(replies(silent[2]!)).toEqual([]);
    expect(blocksText(fresh(silent[1]!))).toContain('No answers (2nd silent check-in in a row).');
    expect(blocksText(fresh(silent[2]!))).toContain('No answers (3rd silent check-in in a row).');
    expect(blocksText(fresh(silent[2]!))).toContain('No answer from: <@U0ANA>');

    // At risk again: the silent ones neither broke nor extended the streak, so it escalates.
    const next = await postNow(p, '--window 1h');
    expect(blocksText(next)).toContain('*Last 4:* 🟡 ⚪ ⚪ ⚪');
    await answer(ANA, next, 'At risk');
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    const [summary, proposal] = replies(next);
    expect(summary!.text).toContain('closed: At risk');
    expect(blocksText(proposal!)).toContain('second check-in in a row');
    const rows = await h.database.db.select().from(viabilityCheckins).where(eq(viabilityCheckins.projectId, p.id));
    expect(rows.sort((a, b) => a.slotAt.getTime() - b.slotAt.getTime()).map((r) => r.verdict)).toEqual(['at_risk', 'no_responses', 'no_responses', 'no_responses', 'at_risk']);
  });
});

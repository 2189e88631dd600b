import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, projects } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { TestClock, waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0DAYS';
const ANA = 'U0ANA';
const TARGETS = [{ name: 'auc', direction: 'maximize' as const, target: 0.85 }];
const DAY = 86_400_000;

const text = (m: StoredMessage) => JSON.stringify(m.blocks ?? []) + m.text;
const ackText = (res: { body: unknown }) => (res.body as { text: string }).text;

/**
 * Less noise: every run of a day — typed with `/mlops run` or sent by CI through the API — replies
 * in one experiments thread of the project channel, whose root keeps the day's count and best run.
 */
describe.each(databaseKinds())('runs of a day share one thread with a rolling summary (%s)', (kind) => {
  let h: Harness;
  let token: string;

  /** Job passes until the outbox has nothing due (a reply needs its root's ts first; updates wait 1.5 s apart). */
  const drain = async () => {
    for (let i = 0; i < 6; i++) await h.app.jobs.tick(h.clock.advance(2000));
  };
  const roots = () => h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.includes('Experiment runs for days'));
  const rootOn = (day: string) => roots().find((m) => m.text.includes(` on ${day}`));
  const projectId = async () => (await h.database.db.select().from(projects).where(eq(projects.slug, 'days')))[0]!.id;

  beforeAll(async () => {
    // Mid-morning UTC, so a few minutes of job passes never cross midnight by accident.
    const start = new Date();
    start.setUTCHours(9, 0, 0, 0);
    h = await bootApp(kind, { clock: new TestClock(start) });
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'days', channelId: CHANNEL, ownerId: ANA, now: h.clock.now(), targets: TARGETS, phase: 'development' });
    token = (await tokenFor(h, ANA, CHANNEL, 'days')).token;
  });
  afterAll(async () => h?.close());

  it('a slash run and an API run of the same day land in one thread; its root shows the count and the best value against the target', async () => {
    const day = h.clock.now().toISOString().slice(0, 10);
    const slash = await h.people.command(ANA, CHANNEL, 'run days auc=0.82 --name by-hand');
    expect(ackText(slash)).toContain('Logged *by-hand* in *days*');
    expect(ackText(slash)).toContain(`today’s experiments thread in <#${CHANNEL}>`);
    await drain();
    expect(roots()).toHaveLength(1);
    const root = rootOn(day)!;
    expect(root.text).toContain('1 run · best auc 0.82 (by-hand) · target ≥ 0.85 not met');
    // The first run's summary needs no redraw of the root: the root was drawn when it was posted.
    expect(h.slack.store.callsTo('chat.update')).toHaveLength(0);

    const res = await api(h)('POST', '/projects/days/runs', { token, body: { name: 'from-ci', metrics: { auc: 0.88 } } });
    expect(res.status).toBe(201);
    await drain();
    expect(roots()).toHaveLength(1);
    const replies = h.slack.store.threadReplies(CHANNEL, root.ts).map(text);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain('logged *by-hand* in *days*');
    expect(replies[1]).toContain('logged *from-ci* in *days*');
    // The root, as the channel shows it now: redrawn from the database after the second run.
    const shown = h.slack.store.find(CHANNEL, root.ts)!;
    expect(shown.edited).toBe(true);
    expect(shown.text).toContain('2 runs · best auc 0.88 (from-ci) · target ≥ 0.85 met');
    expect(text(shown)).toContain('*2 runs* · best *auc* *0.88* (*from-ci*) · target ≥ 0.85 met :white_check_mark:');
  });

  it('once the thread is posted, the slash command’s answer links it', async () => {
    await h.people.command(ANA, CHANNEL, 'run days auc=0.8 --name look-up');
    // The link is asked of Slack after that answer, for the next ones.
    await waitFor(() => h.slack.store.callsTo('chat.getPermalink').length > 0, 'the permalink lookup');
    const res = await h.people.command(ANA, CHANNEL, 'run days auc=0.81 --name linked');
    expect(ackText(res)).toMatch(new RegExp(`Its summary follows in <http[^|>]+/archives/${CHANNEL}/p\\d+\\|today’s experiments thread> in <#${CHANNEL}>`));
    await drain();
    expect(rootOn(h.clock.now().toISOString().slice(0, 10))!.text).toContain('4 runs · best auc 0.88 (from-ci)');
  });

  it('many runs while the root waits for its redraw queue one redraw of it, not one per run', async () => {
    const rootRow = (await h.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `runs-thread:${await projectId()}:${h.clock.now().toISOString().slice(0, 10)}`)))[0]!;
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => api(h)('POST', '/projects/days/runs', { token, body: { name: `sweep-${i}`, metrics: { auc: 0.7 + i / 100 } } })));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    await h.people.command(ANA, CHANNEL, 'run days auc=0.9 --name best-by-hand');
    const pending = await h.database.db.select().from(outbox).where(and(eq(outbox.targetId, rootRow.id), eq(outbox.method, 'chat.update'), eq(outbox.status, 'pending')));
    expect(pending).toHaveLength(1);
    await drain();
    expect(h.slack.store.find(CHANNEL, rootRow.ts!)!.text).toContain('11 runs · best auc 0.9 (best-by-hand) · target ≥ 0.85 met');
  });

  it('the next UTC day opens a new thread', async () => {
    const today = h.clock.now().toISOString().slice(0, 10);
    h.clock.advance(DAY);
    const tomorrow = h.clock.now().toISOString().slice(0, 10);
    await h.people.command(ANA, CHANNEL, 'run days auc=0.86 --name next-day');
    await drain();
    expect(roots()).toHaveLength(2);
    const next = rootOn(tomorrow)!;
    expect(next.text).toContain('1 run · best auc 0.86 (next-day) · target ≥ 0.85 met');
    expect(h.slack.store.threadReplies(CHANNEL, next.ts).map(text)).toEqual([expect.stringContaining('logged *next-day* in *days*')]);
    // Yesterday's root keeps yesterday's figures.
    expect(rootOn(today)!.text).toContain('11 runs · best auc 0.9 (best-by-hand)');
  });
});

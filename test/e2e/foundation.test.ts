import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, projects, slackRequestsSeen } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { projectWithTargets } from '../helpers/runs.js';

const CHANNEL = 'C0PROJECTS';
const USER = 'U0ALICE';

describe.each(databaseKinds())('foundation through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const rowCounts = async () => {
    const [p] = await h.database.db.select({ n: count() }).from(projects);
    const [a] = await h.database.db.select({ n: count() }).from(auditLog);
    const [s] = await h.database.db.select({ n: count() }).from(slackRequestsSeen);
    return { projects: p!.n, audit: a!.n, seen: s!.n };
  };

  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });
  });

  it('/mlops help answers with one line per command, ephemerally', async () => {
    const res = await h.people.command(USER, CHANNEL, 'help');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    const text = (res.body as { text: string }).text;
    const names = ['intake', 'run', 'runs', 'gate', 'viability', 'drift', 'token', 'mlflow', 'status', 'help'];
    const lines = text.split('\n').filter((l) => l.startsWith('/mlops '));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(names);
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    // The options are one `/mlops help <command>` away, not in the list.
    expect(text).not.toContain('--voters');
    // Nothing was posted to the channel: the answer rode in the ack.
    expect(h.slack.store.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('/mlops help <command> shows that command in detail, whatever its case', async () => {
    const res = await h.people.command(USER, CHANNEL, 'help GATE');
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    const body = res.body as { text: string; blocks: unknown[] };
    expect(body.text).toContain('/mlops gate — Open a go/no-go vote');
    expect(body.text).toContain('Usage: /mlops gate <slug> [--to <phase>] [--voters @a @b…]');
    expect(JSON.stringify(body.blocks)).toContain('`/mlops gate &lt;slug&gt; [--to &lt;phase&gt;]');
    expect(body.text).not.toContain('/mlops status');
    const token = (await h.people.command(USER, CHANNEL, 'help token')).body as { text: string };
    expect(token.text).toContain('/mlops token <slug> list\n/mlops token <slug> revoke <id>');
  });

  it('/mlops help with an unknown command says so and lists the commands', async () => {
    const text = ((await h.people.command(USER, CHANNEL, 'help deploy')).body as { text: string }).text;
    expect(text).toContain('There is no command "deploy".');
    expect(text).toContain('/mlops gate — ');
    expect(text).toContain('/mlops status — ');
  });

  it('an empty /mlops shows the same help', async () => {
    const res = await h.people.command(USER, CHANNEL, '');
    expect((res.body as { text: string }).text).toContain('/mlops status — ');
  });

  it('an unknown subcommand answers with usage naming what was wrong', async () => {
    const res = await h.people.command(USER, CHANNEL, 'deploy now');
    const text = (res.body as { text: string }).text;
    expect(text).toContain('Unknown subcommand "deploy"');
    expect(text).toContain('/mlops help');
  });

  it('a subcommand given bad input names the problem, its usage and where its help is', async () => {
    const body = (await h.people.command(USER, CHANNEL, 'status a b')).body as { text: string; blocks: unknown[] };
    expect(body.text).toBe('Unexpected "b": status takes at most one project slug.\nUsage: /mlops status [slug]');
    expect(JSON.stringify(body.blocks)).toContain('`/mlops help status` explains it.');
  });

  it('malformed input (an unclosed quote) is explained, not crashed on', async () => {
    const res = await h.people.command(USER, CHANNEL, 'status "churn');
    expect((res.body as { text: string }).text).toContain('never closed');
  });

  it('/mlops status in an empty workspace says there are no projects yet', async () => {
    const res = await h.people.command(USER, CHANNEL, 'status');
    expect(res.status).toBe(200);
    expect((res.body as { text: string }).text).toContain('No projects in this channel yet');
  });

  it('/mlops status for an unknown or invalid slug explains and shows usage', async () => {
    const unknown = await h.people.command(USER, CHANNEL, 'status churn-model');
    expect((unknown.body as { text: string }).text).toContain('There is no project `churn-model`');
    const invalid = await h.people.command(USER, CHANNEL, 'status Churn_Model');
    expect((invalid.body as { text: string }).text).toContain('is not a valid project slug');
    expect((invalid.body as { text: string }).text).toContain('Usage: /mlops status [slug]');
  });

  it('/mlops status hints name the real project, never a <slug> placeholder', async () => {
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn-hints', channelId: 'C0HINTS', ownerId: USER, now: h.clock.now() });
    const list = JSON.stringify((await h.people.command(USER, 'C0HINTS', 'status')).body);
    expect(list).toContain('`/mlops status churn-hints` shows one project in full');
    const one = JSON.stringify((await h.people.command(USER, 'C0HINTS', 'status churn-hints')).body);
    expect(one).toContain('`/mlops viability churn-hints --every \\"weekly mon 09:00\\"` schedules them');
    expect(list + one).not.toContain('<slug>');
  });

  it('a forged signature gets 401, with no Slack call and no database write', async () => {
    const before = { calls: h.slack.store.calls.length, rows: await rowCounts() };
    const res = await h.people.command(USER, CHANNEL, 'help', { signingSecret: 'not-the-secret' });
    expect(res.status).toBe(401);
    const ev = await h.people.openHome(USER, { signingSecret: 'not-the-secret' });
    expect(ev.status).toBe(401);
    expect(h.slack.store.calls.length).toBe(before.calls);
    expect(await rowCounts()).toEqual(before.rows);
  });

  it('a timestamp older than 5 minutes gets 401, and so does one 5 minutes in the future', async () => {
    // auth.test is Bolt verifying its own token on the first request it accepts: not a reaction to the request.
    const slackCalls = () => h.slack.store.calls.filter((c) => c.method !== 'auth.test').length;
    const before = { calls: slackCalls(), rows: await rowCounts() };
    const now = Math.floor(h.clock.now().getTime() / 1000);
    expect((await h.people.command(USER, CHANNEL, 'help', { timestamp: now - 301 })).status).toBe(401);
    expect((await h.people.openHome(USER, { timestamp: now - 400 })).status).toBe(401);
    expect((await h.people.openHome(USER, { timestamp: now + 400 })).status).toBe(401);
    // Just inside the window is accepted.
    expect((await h.people.command(USER, CHANNEL, 'help', { timestamp: now - 240 })).status).toBe(200);
    expect(slackCalls()).toBe(before.calls);
    expect(await rowCounts()).toMatchObject({ projects: before.rows.projects, audit: before.rows.audit });
  });

  it('an Events API retry with the same event_id is processed once', async () => {
    const publishesBefore = h.slack.store.callsTo('views.publish').length;
    const first = await h.people.openHome('U0BOB');
    expect(first.status).toBe(200);
    const retry = await h.people.openHome('U0BOB', { eventId: first.eventId, retryNum: 1, retryReason: 'http_timeout' });
    expect(retry.status).toBe(200);
    await waitFor(() => h.slack.store.callsTo('views.publish').length > publishesBefore, 'views.publish');
    // Give a wrongly processed retry time to show up before asserting it did not.
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.store.callsTo('views.publish').length).toBe(publishesBefore + 1);
    const home = h.slack.store.homeViews.get('U0BOB') as { blocks: { text?: { text: string } }[] };
    expect(JSON.stringify(home.blocks)).toContain('You have no projects yet');
  });

  it('a new event with another id is processed again', async () => {
    const before = h.slack.store.callsTo('views.publish').length;
    await h.people.openHome('U0BOB');
    await waitFor(() => h.slack.store.callsTo('views.publish').length === before + 1, 'second views.publish');
  });
});

import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, auditLog, gateBallots, outbox, runs, slackRequestsSeen } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { CHANNEL, ephemeralsFor, lastGateMessage, latestGate, makeProject, OWNER, settle, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, tokenFor } from '../helpers/runs.js';
import { type TcpProxy, tcpProxy } from '../helpers/tcp-proxy.js';

const [ANA, RAJ] = ['U0ANA', 'U0RAJ'];
/** Slack shows the person an error if a request is not answered within 3 s. */
const SLACK_DEADLINE_MS = 3000;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

const textOf = (body: unknown) => (body as { text?: string } | undefined)?.text ?? '';

/**
 * PostgreSQL stopped and restarted while the app runs. The app's pool reaches the database through
 * a TCP proxy; stopping the proxy is, to the app, the server going away (connections cut, new ones
 * refused). While it is away every surface answers with a clear "try again" in time and writes
 * nothing; once it is back the same requests work, without restarting the app.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL stopped and restarted during operation', () => {
  let proxy: TcpProxy;
  let h: Harness;
  beforeAll(async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    h = await bootApp('postgres', { database: { connectThrough: (url) => proxy.urlThrough(url) } });
  });
  afterAll(async () => {
    await proxy?.start();
    await h?.close();
    await proxy?.close();
  });

  const ready = async () => (await fetch(`${h.app.url}/readyz`)).status;
  const rowCounts = async () => {
    const n = async (table: typeof runs | typeof gateBallots | typeof apiTokens | typeof auditLog | typeof slackRequestsSeen) => Number((await h.database.db.select({ n: count() }).from(table))[0]!.n);
    return { runs: await n(runs), ballots: await n(gateBallots), tokens: await n(apiTokens), audit: await n(auditLog), seen: await n(slackRequestsSeen) };
  };
  const pendingOutbox = async () => (await h.database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))).length;

  it('answers every request with a clear "try again" in time while the database is down, writes nothing, and recovers without a restart', { timeout: 30_000 }, async () => {
    const call = api(h);
    // Working: a project with a gate open for two voters, Raj's No-go modal open, an API token, and
    // a run logged from Slack whose summary is still queued in the outbox.
    await makeProject(h, 'churn', { stakeholders: [ANA, RAJ] });
    const { token } = await tokenFor(h, OWNER, CHANNEL, 'churn');
    expect(textOf((await h.people.command(OWNER, CHANNEL, 'gate churn --deadline 48h')).body)).toContain('Opened a go/no-go gate for churn');
    await settle(h);
    const gateMessage = lastGateMessage(h);
    const views = h.slack.store.views.size;
    await h.people.click(RAJ, gateMessage, 'No-go');
    const nogoView = await waitFor(() => (h.slack.store.views.size > views ? [...h.slack.store.views.keys()].at(-1) : undefined), 'the No-go modal');
    expect(textOf((await h.people.command(ANA, CHANNEL, 'run churn auc=0.81 --name before-outage')).body)).toContain('Logged *before-outage*');
    expect(await pendingOutbox()).toBeGreaterThan(0);
    expect(await ready()).toBe(200);
    const before = await rowCounts();
    const postsBefore = h.slack.store.callsTo('chat.postMessage').length;

    // PostgreSQL goes away. The pool's idle connections break while nobody uses them: each is
    // reported on the pool, which once ended the process (an 'error' event nobody listened to).
    await proxy.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const readyz = await timed(ready);
    expect(readyz.value).toBe(503);

    // A slash command that writes: the ack says to try again.
    const command = await timed(() => h.people.command(ANA, CHANNEL, 'run churn auc=0.9 --name during-outage'));
    expect(command.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(command.value.status).toBe(200);
    expect(command.value.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(command.value.body)).toMatch(/can't reach its database.*nothing was changed.*try again/i);

    // A vote click: acknowledged in time, and the voter is told (ephemerally) that it did not count.
    const ephemeralsBefore = ephemeralsFor(h, ANA).length;
    const click = await timed(() => h.people.click(ANA, gateMessage, 'Go'));
    expect(click.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(click.value.status).toBe(200);
    const clickAnswer = await waitFor(() => ephemeralsFor(h, ANA)[ephemeralsBefore], "Ana's answer to her click", SLACK_DEADLINE_MS);
    expect(clickAnswer).toMatch(/can't reach its database.*nothing was changed.*try again/i);

    // A modal submission: the modal stays open, the message shown on its (first) input.
    const submit = await timed(() => h.people.submitView(RAJ, nogoView, { reason: { reason: 'Recall is too low' } }));
    expect(submit.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(submit.value.status).toBe(200);
    expect(submit.value.body).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringMatching(/can't reach its database.*try again/i) } });
    expect(h.slack.store.views.get(nogoView)!.open).toBe(true);

    // The API: 503 with Retry-After and a JSON body saying what happened.
    const post = await timed(() => call('POST', '/projects/churn/runs', { token, body: { name: 'api-during-outage', metrics: { auc: 0.95 } } }));
    expect(post.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(post.value.status).toBe(503);
    expect(post.value.json).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/database.*nothing was changed/i) });
    expect(Number(post.value.headers.get('retry-after'))).toBeGreaterThan(0);

    // An event (App Home opened) is answered 503, so Slack delivers it again rather than dropping it.
    const home = await timed(() => h.people.openHome(ANA));
    expect(home.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(home.value.status).toBe(503);
    const published = h.slack.store.callsTo('views.publish').length;

    // The job runner's pass fails quietly: nothing is delivered, nothing is lost.
    await h.app.jobs.tick(h.clock.now());
    expect(h.slack.store.callsTo('chat.postMessage')).toHaveLength(postsBefore);

    // PostgreSQL is back: the same app (no restart) reconnects.
    await proxy.start();
    await waitFor(async () => (await ready()) === 200, '/readyz to report ready again', 5000);
    // Nothing of what was refused was written, not even the requests' dedupe marks.
    expect(await rowCounts()).toEqual(before);

    // Slack's retry of the event is handled this time.
    expect((await h.people.openHome(ANA, { eventId: home.value.eventId, retryNum: 1 })).status).toBe(200);
    expect(h.slack.store.callsTo('views.publish').length).toBeGreaterThan(published);
    const again = await h.people.command(ANA, CHANNEL, 'run churn auc=0.9 --name after-outage');
    expect(textOf(again.body)).toContain('Logged *after-outage*');
    expect(await vote(h, ANA, gateMessage, 'Go')).toContain('You voted *Go*');
    const resubmit = await h.people.submitView(RAJ, nogoView, { reason: { reason: 'Recall is too low' } });
    expect(resubmit.status).toBe(200);
    expect((resubmit.body as { response_action?: string } | undefined)?.response_action).toBeUndefined();
    const posted = await call('POST', '/projects/churn/runs', { token, body: { name: 'api-after-outage', metrics: { auc: 0.95 } } });
    expect(posted.status).toBe(201);
    expect(await rowCounts()).toMatchObject({ runs: before.runs + 2, ballots: before.ballots + 2 });

    // A job pass delivers what was queued, including the summary queued before the outage.
    await settle(h, 10);
    expect(await pendingOutbox()).toBe(0);
    const posts = h.slack.store.channelMessages(CHANNEL).flatMap((m) => [m, ...h.slack.store.threadReplies(CHANNEL, m.ts)]).map((m) => m.text);
    for (const name of ['before-outage', 'after-outage', 'api-after-outage']) expect(posts.some((t) => t.startsWith(`${name} in churn`))).toBe(true);
    expect(posts.some((t) => t.includes('during-outage'))).toBe(false);
    // Both votes counted: the gate closed, and its message says so.
    expect((await latestGate(h)).status).toBe('closed');
    expect(lastGateMessage(h).text).toContain('Go 1, No-go 1');
  });
});

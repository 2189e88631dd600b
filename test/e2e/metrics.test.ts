import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/db/repositories/outbox.js';
import { addTimer } from '../../src/db/repositories/schedules.js';
import { VIABILITY_CLOSE_TIMER } from '../../src/services/viability/checkin.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** One sample's value from Prometheus text, by metric name and exact label set ('' for none). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(databaseKinds())('GET /metrics (%s)', (kind) => {
  let h: Harness;
  const scrape = async (auth: string | null = `Bearer ${METRICS_TOKEN}`) => {
    const res = await fetch(`${h.app.url}/metrics`, auth ? { headers: { authorization: auth } } : {});
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  beforeAll(async () => {
    h = await bootApp(kind, { config: { metricsToken: METRICS_TOKEN } });
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: 'C0CHURN', ownerId: 'U0OWNER', now: h.clock.now(), phase: 'development' });
  });
  afterAll(async () => h?.close());

  it('asks for the bearer token when one is configured', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('Bearer wrong-token-0123456789abcdef')).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/plain');
    expect(ok.text).toContain('# TYPE mlops_slack_ack_seconds histogram');
    expect(ok.text).toContain('mlops_process_cpu_user_seconds_total');
  });

  it("moves the command ack histogram after a slash command, and counts the answer's status", async () => {
    const before = await scrape();
    const count = (t: string) => sample(t, 'mlops_slack_ack_seconds_count', 'surface="command"') ?? 0;
    const ok = (t: string) => sample(t, 'mlops_http_responses_total', 'route="slack",code="200"') ?? 0;
    await h.people.command('U0OWNER', 'C0CHURN', 'status churn');
    await h.people.command('U0OWNER', 'C0CHURN', 'help');
    const after = await scrape();
    expect(count(after.text) - count(before.text)).toBe(2);
    expect(ok(after.text) - ok(before.text)).toBe(2);
    // Both acks came well inside Slack's 3 s: the 3 s bucket holds every command.
    expect(sample(after.text, 'mlops_slack_ack_seconds_bucket', 'le="3",surface="command"')).toBe(count(after.text));
  });

  it('reports the outbox backlog and the age of its oldest row from the database', async () => {
    await h.app.jobs.tick(h.clock.now()); // send whatever earlier steps queued
    expect(sample((await scrape()).text, 'mlops_outbox_depth')).toBe(0);
    expect(sample((await scrape()).text, 'mlops_outbox_oldest_age_seconds')).toBe(0);
    const queuedAt = new Date(Date.now() - 90_000);
    await enqueue(h.database.db, { teamId: h.slack.teamId, method: 'chat.postMessage', channelId: 'C0CHURN', payload: { text: 'waiting' }, now: queuedAt });
    const text = (await scrape()).text;
    expect(sample(text, 'mlops_outbox_depth')).toBe(1);
    expect(sample(text, 'mlops_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'mlops_outbox_oldest_age_seconds')).toBeLessThan(200);
  });

  it('counts API answers by status, never by path (a slug is not a label)', async () => {
    await fetch(`${h.app.url}/api/v1/projects/churn/runs`, { method: 'POST' });
    await fetch(`${h.app.url}/api/v1/projects/another-slug/runs`, { method: 'POST' });
    const text = (await scrape()).text;
    expect(sample(text, 'mlops_http_responses_total', 'route="api",code="401"')).toBe(2);
    expect(text).not.toContain('another-slug');
  });

  it('counts drift evaluations by outcome', async () => {
    const { token } = await tokenFor(h, 'U0OWNER', 'C0CHURN', 'churn');
    const call = api(h);
    const ref = Array.from({ length: 200 }, (_, i) => i % 50);
    expect((await call('POST', '/projects/churn/reference', { token, body: { features: { x: ref } } })).status).toBe(201);
    expect((await call('POST', '/projects/churn/observations', { token, body: { features: { x: ref } } })).status).toBe(201);
    expect((await call('POST', '/projects/churn/observations', { token, body: { features: { x: ref.map((v) => v + 100) } } })).status).toBe(201);
    const text = (await scrape()).text;
    expect(sample(text, 'mlops_drift_evaluations_total', 'outcome="no_drift"')).toBe(1);
    expect(sample(text, 'mlops_drift_evaluations_total', 'outcome="drift"')).toBe(1);
  });

  it('observes how late a due timer ran', async () => {
    const now = h.clock.now();
    await addTimer(h.database.db, { teamId: h.slack.teamId, kind: VIABILITY_CLOSE_TIMER, ref: 'metrics-test', dueAt: new Date(now.getTime() - 30_000), payload: { checkinId: 999_999 } });
    await h.app.jobs.tick(now);
    const text = (await scrape()).text;
    expect(sample(text, 'mlops_scheduler_lag_seconds_count', 'job="timer"')).toBe(1);
    expect(sample(text, 'mlops_scheduler_lag_seconds_sum', 'job="timer"')).toBeCloseTo(30, 0);
  });
});

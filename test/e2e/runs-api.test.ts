import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApiToken } from '../../src/db/repositories/api-tokens.js';
import { apiTokens, gates, outbox, projects, runMetrics, runs } from '../../src/db/schema/index.js';
import { newToken } from '../../src/domain/experiments/api-token.js';
import { RunInput } from '../../src/domain/experiments/run-input.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { openAiLlm } from '../../src/llm/llm.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { FakeOpenAi } from '../helpers/openai-server.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
const TARGETS = [
  { name: 'auc', direction: 'maximize' as const, target: 0.85 },
  { name: 'latency_ms', direction: 'minimize' as const, target: 200 },
];

const text = (m: StoredMessage) => JSON.stringify(m.blocks ?? []) + m.text;

describe.each(databaseKinds())('experiment runs through the HTTP API (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let churn: { token: string; id: string };
  let fraud: { token: string; id: string };
  let otherWorkspace: string;
  let churnId: number;

  const runCount = async () => Number((await h.database.db.select({ n: count() }).from(runs))[0]!.n);
  // Two passes: a thread reply is delivered once its root has a ts, on the pass after the root's.
  const deliver = async () => {
    await h.app.jobs.tick(h.clock.now());
    await h.app.jobs.tick(h.clock.now());
  };

  beforeAll(async () => {
    h = await bootApp(kind);
    call = api(h);
    const now = h.clock.now();
    const teamId = h.slack.teamId;
    churnId = (await projectWithTargets(h.database.db, { teamId, slug: 'churn', channelId: CHANNEL, ownerId: OWNER, now, targets: TARGETS, phase: 'development' })).id;
    await projectWithTargets(h.database.db, { teamId, slug: 'fraud', channelId: 'C0FRAUD', ownerId: OWNER, now });
    // The same slug in another workspace, with its own token: it must never reach this workspace's churn.
    const other = await projectWithTargets(h.database.db, { teamId: 'T0OTHER', slug: 'churn', channelId: 'C0ELSEWHERE', ownerId: 'U0STRANGER', now });
    const t = newToken();
    await insertApiToken(h.database.db, { teamId: 'T0OTHER', projectId: other.id, publicId: t.publicId, tokenHash: t.hash, createdBy: 'U0STRANGER', now });
    otherWorkspace = t.token;
    churn = await tokenFor(h, OWNER, CHANNEL, 'churn');
    fraud = await tokenFor(h, OWNER, CHANNEL, 'fraud');
  });
  afterAll(async () => h?.close());

  it('/mlops token shows the token once, ephemerally, and stores only its hash', async () => {
    const ephemeral = h.slack.store.ephemerals.find((e) => e.text.includes(churn.token))!;
    expect(ephemeral.user).toBe(OWNER);
    expect(h.slack.store.messages.some((m) => text(m).includes(churn.token))).toBe(false);
    const rows = await h.database.db.select().from(apiTokens).where(eq(apiTokens.publicId, churn.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(churn.token).digest('hex'));
    // The secret may itself contain "_": cut it after the public id rather than splitting.
    expect(JSON.stringify(rows[0])).not.toContain(churn.token.slice(`mlops_${churn.id}_`.length));
  });

  it('hands out tokens to the project owner only; channel members may list them, strangers elsewhere may not', async () => {
    const count = async () => (await h.database.db.select().from(apiTokens)).length;
    const before = await count();
    const elsewhere = await h.people.command('U0STRANGER', 'C0RANDOM', 'token churn');
    expect((elsewhere.body as { text: string }).text).toContain('Only the owner of *churn* (<@U0OWNER>) changes its stakeholders, voters, schedules, alert settings and API tokens');
    const member = await h.people.command('U0MEMBER', CHANNEL, 'token churn');
    expect((member.body as { text: string }).text).toContain('Only the owner of *churn*');
    const list = await h.people.command('U0STRANGER', 'C0RANDOM', 'token churn list');
    expect((list.body as { text: string }).text).toContain('*churn* can be seen in its channel <#C0CHURN>');
    expect((await h.people.command('U0MEMBER', CHANNEL, 'token churn list')).body).toMatchObject({ text: expect.stringContaining('API tokens of *churn*') });
    expect(await count()).toBe(before);
    await tokenFor(h, OWNER, 'C0RANDOM', 'churn');
    expect(await count()).toBe(before + 1);
  });

  it('logs a run, returns it as JSON, and posts its summary in the experiments thread of the day', async () => {
    const res = await call('POST', '/projects/churn/runs', {
      token: churn.token,
      body: {
        metrics: { auc: '80%', latency_ms: 180 },
        params: { lr: 0.01, depth: 6 },
        name: 'baseline',
        dataset: 'v3',
        commit: 'ABCDEF1',
        note: 'first try',
        url: 'https://mlflow.example.com/#/experiments/1/runs/abc',
        tags: { team: 'vision', stage: 'sweep <2>' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      project: 'churn',
      name: 'baseline',
      metrics: { auc: 0.8, latency_ms: 180 },
      params: { lr: '0.01', depth: '6' },
      dataset: 'v3',
      commit: 'abcdef1',
      note: 'first try',
      url: 'https://mlflow.example.com/#/experiments/1/runs/abc',
      tags: { team: 'vision', stage: 'sweep <2>' },
      source: 'api',
      author: `token:${churn.id}`,
    });
    await deliver();
    const roots = h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.includes('Experiment runs for churn'));
    expect(roots).toHaveLength(1);
    const replies = h.slack.store.threadReplies(CHANNEL, roots[0]!.ts);
    expect(replies).toHaveLength(1);
    const summary = text(replies[0]!);
    expect(summary).toContain('*auc* 0.8 — target ≥ 0.85, not met, short by 0.05');
    expect(summary).toContain('*latency_ms* 180 — target ≤ 200, met by 20');
    expect(summary).toContain('first run to report it');
    expect(summary).toContain('Rank *1 of 1* by *auc*');
    expect(summary).not.toContain('Request deployment gate');
    // What the run stored: dataset, commit (unlinked: this deployment sets no template), its tracker page, tags, note.
    expect(summary).toContain('*Dataset* `v3`');
    expect(summary).toContain('*Commit* `abcdef1`');
    expect(summary).toContain('*Run page* <https://mlflow.example.com/#/experiments/1/runs/abc|mlflow.example.com>');
    expect(summary).toContain('*Tags* stage: `sweep &lt;2&gt;`  ·  team: `vision`');
    expect(summary).toContain('*Note* first try');
  });

  it('a second run replies in the same thread, compared with the best earlier run, and ranked', async () => {
    const res = await call('POST', '/projects/churn/runs', { token: churn.token, body: { metrics: { auc: 0.83, latency_ms: 190 }, params: { lr: 0.02, depth: 6 } } });
    expect(res.status).toBe(201);
    await deliver();
    const roots = h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.includes('Experiment runs for churn'));
    expect(roots).toHaveLength(1);
    const replies = h.slack.store.threadReplies(CHANNEL, roots[0]!.ts);
    expect(replies).toHaveLength(2);
    const summary = text(replies[1]!);
    expect(summary).toContain(`run #${res.json.id as number}`);
    expect(summary).toContain('*auc* 0.83 — :arrow_up: better than the best earlier run, 0.8 in baseline (+0.03)');
    expect(summary).toContain('*latency_ms* 190 — :arrow_down: worse than the best earlier run, 180 in baseline (+10)');
    expect(summary).toContain('Rank *1 of 2* by *auc*');
  });

  it('the first run to meet every target offers Request deployment gate, which opens the deployment gate and answers ephemerally', async () => {
    // The clicker is a stakeholder, so the gate opens with the brief's defaults.
    await h.database.db.update(projects).set({ brief: { problem: 'Churn', successMetrics: TARGETS, stakeholders: ['U0DS', OWNER] } }).where(eq(projects.id, churnId));
    try {
      const res = await call('POST', '/projects/churn/runs', { token: churn.token, body: { name: 'rf-12', metrics: { auc: 0.9, latency_ms: 150 } } });
      await deliver();
      const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('Experiment runs for churn'))!;
      const summary = h.slack.store.threadReplies(CHANNEL, root.ts).at(-1)!;
      expect(text(summary)).toContain('Every target is met');
      const click = await h.people.click('U0DS', summary, 'Request deployment gate');
      expect(click.status).toBe(200);
      await vi_waitFor(() => h.slack.store.ephemerals.some((e) => e.user === 'U0DS' && e.text.includes('Opened a go/no-go gate for churn')));
      const [gate] = await h.database.db.select().from(gates).where(eq(gates.projectId, churnId));
      expect(gate).toMatchObject({ fromPhase: 'development', toPhase: 'deployment', openedBy: 'U0DS', reason: 'Run rf-12 met every target.', status: 'open' });
      expect(res.status).toBe(201);

      // A later run that also meets every target is not the first: no second suggestion.
      await call('POST', '/projects/churn/runs', { token: churn.token, body: { metrics: { auc: 0.92, latency_ms: 140 } } });
      await deliver();
      const later = h.slack.store.threadReplies(CHANNEL, root.ts).at(-1)!;
      expect(text(later)).toContain('Rank *1 of 4* by *auc*');
      expect(text(later)).not.toContain('Request deployment gate');
    } finally {
      await h.database.db.update(gates).set({ status: 'cancelled' }).where(eq(gates.projectId, churnId));
      await h.database.db.update(projects).set({ brief: { problem: 'Churn', successMetrics: TARGETS } }).where(eq(projects.id, churnId));
    }
  });

  it('honours Idempotency-Key: a retried POST creates one run and one summary, even when retries race', async () => {
    const before = await runCount();
    const body = { metrics: { auc: 0.7 }, params: { seed: 1 } };
    const headers = { 'idempotency-key': 'ci-job-42' };
    const results = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/projects/churn/runs', { token: churn.token, body, headers })));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    // Key order does not make it another body.
    const again = await call('POST', '/projects/churn/runs', { token: churn.token, body: { params: { seed: 1 }, metrics: { auc: 0.7 } }, headers });
    expect(again.status).toBe(200);
    expect(await runCount()).toBe(before + 1);
    const summaries = await h.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `run-summary:${results[0]!.json.id as number}`));
    expect(summaries).toHaveLength(1);
  });

  it('a summary sent after later runs were logged compares only with the runs before it: its rank does not count them', async () => {
    const first = await call('POST', '/projects/fraud/runs', { token: fraud.token, body: { name: 'fraud-a', metrics: { auc: 0.9 } } });
    const second = await call('POST', '/projects/fraud/runs', { token: fraud.token, body: { name: 'fraud-b', metrics: { auc: 0.5 } } });
    expect([first.status, second.status]).toEqual([201, 201]);
    await deliver();
    await deliver();
    const root = h.slack.store.channelMessages('C0FRAUD').find((m) => m.text.includes('Experiment runs for fraud'))!;
    const [a, b] = h.slack.store.threadReplies('C0FRAUD', root.ts).map(text);
    expect(a).toContain('logged *fraud-a*');
    expect(a).toContain('first run to report it');
    expect(a).toContain('Rank *1 of 1* by *auc*');
    expect(b).toContain('logged *fraud-b*');
    expect(b).toContain(':arrow_down: worse than the best earlier run, 0.9 in fraud-a');
    expect(b).toContain('Rank *2 of 2* by *auc*');
  });

  it('the same Idempotency-Key with a different body is a 409 and writes nothing', async () => {
    const before = await runCount();
    const res = await call('POST', '/projects/churn/runs', { token: churn.token, body: { metrics: { auc: 0.71 } }, headers: { 'idempotency-key': 'ci-job-42' } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: 'idempotency_conflict', field: 'Idempotency-Key' });
    expect(await runCount()).toBe(before);
  });

  it('refuses missing, malformed and revoked tokens with 401, and other projects or workspaces with 403, writing nothing', async () => {
    const before = { runs: await runCount(), outbox: (await h.database.db.select({ n: count() }).from(outbox))[0]!.n };
    const body = { metrics: { auc: 0.99 } };
    expect((await call('POST', '/projects/churn/runs', { body })).status).toBe(401);
    expect((await call('POST', '/projects/churn/runs', { body, token: 'mlops_abc' })).status).toBe(401);
    expect((await call('POST', '/projects/churn/runs', { body, token: churn.token.slice(0, -1) + (churn.token.endsWith('A') ? 'B' : 'A') })).status).toBe(401);
    const wrongProject = await call('POST', '/projects/churn/runs', { body, token: fraud.token });
    expect(wrongProject.status).toBe(403);
    expect(wrongProject.json.error).toBe('forbidden');
    expect((await call('GET', '/projects/churn/runs', { token: fraud.token })).status).toBe(403);
    expect((await call('POST', '/projects/fraud/runs', { body, token: otherWorkspace })).status).toBe(403);
    expect((await call('POST', '/projects/no-such-project/runs', { body, token: churn.token })).status).toBe(403);

    const revoked = await tokenFor(h, OWNER, CHANNEL, 'churn');
    expect((await call('GET', '/projects/churn/runs', { token: revoked.token })).status).toBe(200);
    const res = await h.people.command('U0SOMEONE', CHANNEL, `token churn revoke ${revoked.id}`);
    expect((res.body as { text: string }).text).toContain('Only the person who created');
    await h.people.command(OWNER, CHANNEL, `token churn revoke ${revoked.id}`);
    expect((await call('POST', '/projects/churn/runs', { body, token: revoked.token })).status).toBe(401);
    const list = (await h.people.command(OWNER, CHANNEL, 'token churn list')).body as { text: string };
    expect(list.text).toMatch(new RegExp(`\`${revoked.id}\`[^\n]*revoked`));
    expect(list.text).toMatch(new RegExp(`\`${churn.id}\`[^\n]*live`));
    expect(((await h.people.command(OWNER, CHANNEL, `token churn revoke ${revoked.id}`)).body as { text: string }).text).toContain('already revoked');
    expect(((await h.people.command(OWNER, CHANNEL, 'token nope')).body as { text: string }).text).toContain('There is no project `nope`');
    expect((await call('GET', '/projects/churn/runs', { token: churn.token })).status).toBe(200);

    expect(await runCount()).toBe(before.runs);
    expect((await h.database.db.select({ n: count() }).from(outbox))[0]!.n).toBe(before.outbox);
  });

  it('a token of another workspace only ever reaches its own project, even under the same slug', async () => {
    const before = await runCount();
    const res = await call('POST', '/projects/churn/runs', { body: { metrics: { auc: 0.5 } }, token: otherWorkspace });
    expect(res.status).toBe(201);
    const [row] = await h.database.db.select().from(runs).where(eq(runs.id, res.json.id as number));
    expect(row).toMatchObject({ teamId: 'T0OTHER' });
    expect(row!.projectId).not.toBe(churnId);
    const listed = await call('GET', '/projects/churn/runs?limit=100', { token: churn.token });
    expect((listed.json.runs as { id: number }[]).map((r) => r.id)).not.toContain(res.json.id);
    expect(await runCount()).toBe(before + 1);
  });

  it.each([
    ['a body that is not JSON', { rawBody: '{"metrics": {"auc": 0.9}' }, 'body', 'invalid_json'],
    ['an empty body', { rawBody: '' }, 'metrics', 'invalid_request'],
    ['a body that is not sent as JSON', { rawBody: 'auc=0.9', headers: { 'content-type': 'text/plain' } }, 'body', 'invalid_request'],
    ['a JSON array', { body: [1, 2] }, 'body', 'invalid_request'],
    ['no metrics', { body: { params: { lr: 1 } } }, 'metrics', 'invalid_request'],
    ['empty metrics', { body: { metrics: {} } }, 'metrics', 'invalid_request'],
    ['a non-numeric metric', { body: { metrics: { auc: 'high' } } }, 'metrics.auc', 'invalid_request'],
    ['NaN as text', { body: { metrics: { auc: 'NaN' } } }, 'metrics.auc', 'invalid_request'],
    ['Infinity (1e400)', { rawBody: '{"metrics": {"auc": 1e400}}' }, 'metrics.auc', 'invalid_request'],
    ['a metric that is an object', { body: { metrics: { auc: { v: 1 } } } }, 'metrics.auc', 'invalid_request'],
    ['a misspelt field', { body: { metrics: { auc: 0.9 }, param: { lr: 1 } } }, 'param', 'invalid_request'],
    ['101 metrics', { body: { metrics: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, i])) } }, 'metrics', 'invalid_request'],
    ['101 params', { body: { metrics: { auc: 0.9 }, params: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, i])) } }, 'params', 'invalid_request'],
    ['a metric name with a doubled separator', { body: { metrics: { 'val//auc': 1 } } }, 'metrics.val//auc', 'invalid_request'],
    ['a metric name with a space', { body: { metrics: { 'val auc': 1 } } }, 'metrics.val auc', 'invalid_request'],
    ['a metric name in capitals', { body: { metrics: { 'Val/AUC': 1 } } }, 'metrics.Val/AUC', 'invalid_request'],
    ['a metric name over 64 characters', { body: { metrics: { ['m'.repeat(65)]: 1 } } }, `metrics.${'m'.repeat(65)}`, 'invalid_request'],
    ['a param value over 500 characters', { body: { metrics: { auc: 0.9 }, params: { lr: 'x'.repeat(501) } } }, 'params.lr', 'invalid_request'],
    ['a note over 2000 characters', { body: { metrics: { auc: 0.9 }, note: 'n'.repeat(2001) } }, 'note', 'invalid_request'],
    ['a commit that is not a sha', { body: { metrics: { auc: 0.9 }, commit: 'main' } }, 'commit', 'invalid_request'],
    ['a run link that is not http(s)', { body: { metrics: { auc: 0.9 }, url: 'javascript:alert(1)' } }, 'url', 'invalid_request'],
    ['a run link that is ftp', { body: { metrics: { auc: 0.9 }, url: 'ftp://files.example.com/run' } }, 'url', 'invalid_request'],
    ['a run link that would break a Slack link', { body: { metrics: { auc: 0.9 }, url: 'https://mlflow.example.com/a|b' } }, 'url', 'invalid_request'],
    ['21 tags', { body: { metrics: { auc: 0.9 }, tags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'x'])) } }, 'tags', 'invalid_request'],
    ['a tag value over 200 characters', { body: { metrics: { auc: 0.9 }, tags: { team: 'x'.repeat(201) } } }, 'tags.team', 'invalid_request'],
    ['a tag named __proto__', { rawBody: '{"metrics": {"auc": 0.9}, "tags": {"__proto__": "x"}}' }, 'tags.__proto__', 'invalid_request'],
    ['an Idempotency-Key over 255 characters', { body: { metrics: { auc: 0.9 } }, headers: { 'idempotency-key': 'k'.repeat(256) } }, 'Idempotency-Key', 'invalid_request'],
  ] as const)('400 naming the field for %s, nothing written', async (_what, opts, field, error) => {
    const before = await runCount();
    const res = await call('POST', '/projects/churn/runs', { token: churn.token, ...(opts as object) });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error, field });
    expect(typeof res.json.message).toBe('string');
    expect(await runCount()).toBe(before);
  });

  it('accepts metric names as tracking code logs them (val/auc, eval.f1, loss-ce), ranks by them and says why a bad one is refused', async () => {
    const res = await call('POST', '/projects/fraud/runs', { token: fraud.token, body: { metrics: { 'val/auc': 0.91, 'eval.f1': 0.7, 'loss-ce': 0.3 } } });
    expect(res.status).toBe(201);
    expect(res.json.metrics).toEqual({ 'val/auc': 0.91, 'eval.f1': 0.7, 'loss-ce': 0.3 });
    const [stored] = await h.database.db.select().from(runMetrics).where(eq(runMetrics.runId, res.json.id as number));
    expect(stored).toBeDefined();
    await deliver();
    const summary = h.slack.store.messages.filter((m) => m.channel === 'C0FRAUD').map(text).find((t) => t.includes(`run #${res.json.id as number}`))!;
    expect(summary).toContain('*val/auc* 0.91 — first run to report it');
    expect(summary).toContain('*loss-ce* 0.3 — first run to report it');
    const bad = await call('POST', '/projects/fraud/runs', { token: fraud.token, body: { metrics: { 'val/auc': 0.9, 'val auc!': 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('metrics.val auc!');
    expect(bad.json.message).toContain('metric names are lowercase letters, digits and _, with . / or - between words (e.g. val/auc, eval.f1, loss-ce)');
  });

  it('lists runs newest first with cursor pagination', async () => {
    const all: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/projects/churn/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: churn.token });
      expect(res.status).toBe(200);
      const page = res.json.runs as { id: number; project: string }[];
      expect(page.length).toBeLessThanOrEqual(2);
      all.push(...page.map((r) => r.id));
      cursor = res.json.nextCursor as string | null;
    } while (cursor);
    const ids = (await h.database.db.select({ id: runs.id }).from(runs).where(eq(runs.projectId, churnId))).map((r) => r.id);
    expect(all).toEqual([...ids].sort((a, b) => b - a));
    expect((await call('GET', '/projects/churn/runs?cursor=nonsense', { token: churn.token })).json).toMatchObject({ field: 'cursor' });
    expect((await call('GET', '/projects/churn/runs?limit=0', { token: churn.token })).json).toMatchObject({ field: 'limit' });
    expect((await call('GET', '/projects/churn/runs?limit=101', { token: churn.token })).status).toBe(400);
  });

  it('serves an OpenAPI document built from the schemas the routes validate with', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, object> } };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths['/projects/{slug}/runs']!).sort()).toEqual(['get', 'post']);
    const { $schema: _, ...expected } = z.toJSONSchema(RunInput, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(doc.components.schemas.RunInput).toEqual(expected);
    // The document's schema accepts what the API accepts and refuses a misspelt field, as the API does.
    const validate = new Ajv2020({ strict: false }).compile(doc.components.schemas.RunInput!);
    expect(validate({ metrics: { auc: 0.9, recall: '91%' }, params: { lr: 0.1 } })).toBe(true);
    expect(validate({ metrics: { auc: 0.9 }, param: {} })).toBe(false);
  });

  it('with an LLM, an API-logged summary gains a narrative labelled as generated, by an update of the same message', async () => {
    const llm = await new FakeOpenAi(() => 'Solid progress on the ranking metric. Latency stays comfortably inside its budget.').start();
    h.app.deps.llm = openAiLlm({ apiKey: 'test', baseURL: llm.url, model: 'test-model', timeoutMs: 5000 });
    try {
      const res = await call('POST', '/projects/churn/runs', { token: churn.token, body: { name: 'narrated', metrics: { auc: 0.87, latency_ms: 120 } } });
      expect(res.status).toBe(201);
      // The narrative is a timer queued with the run: the job runner asks the model and queues the update.
      const update = await waitFor(async () => {
        await h.app.jobs.tick(h.clock.now());
        return (await h.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `run-narrative:${res.json.id as number}`)))[0];
      }, 'the queued narrative');
      expect(update.method).toBe('chat.update');
      await deliver();
      await deliver();
      const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('Experiment runs for churn'))!;
      const summary = h.slack.store.threadReplies(CHANNEL, root.ts).find((m) => m.text.startsWith('narrated'))!;
      expect(summary.edited).toBe(true);
      expect(text(summary)).toContain('Generated by an LLM');
      expect(text(summary)).toContain('Solid progress on the ranking metric.');
      expect(text(summary)).toContain('*auc* 0.87 — target ≥ 0.85, met by 0.02');
    } finally {
      h.app.deps.llm = null;
      await llm.close();
    }
  });

  it('GET /projects/{slug} answers the status as JSON: phase, best value per target from the runs, open gates, history', async () => {
    const res = await call('GET', '/projects/churn', { token: churn.token });
    expect(res.status).toBe(200);
    const body = res.json as unknown as { slug: string; phase: string; targets: { name: string; best: number | null; met: boolean | null; bestRunId: number | null }[]; lastRunAt: string | null; openGates: unknown[]; phaseHistory: { to: string }[] };
    expect(body).toMatchObject({ slug: 'churn', phase: 'development', openGates: [] });
    expect(body.phaseHistory[0]).toMatchObject({ to: 'design' });
    expect(body.lastRunAt).not.toBeNull();
    // The best values are the database's, recomputed independently here from the listed runs.
    const listed = (await call('GET', '/projects/churn/runs?limit=100', { token: churn.token })).json as unknown as { runs: { id: number; metrics: Record<string, number> }[] };
    for (const t of TARGETS) {
      const values = listed.runs.map((r) => r.metrics[t.name]).filter((v): v is number => v !== undefined);
      const expected = t.direction === 'maximize' ? Math.max(...values) : Math.min(...values);
      const got = body.targets.find((x) => x.name === t.name)!;
      expect(got.best).toBe(expected);
      expect(got.met).toBe(t.direction === 'maximize' ? expected >= t.target : expected <= t.target);
    }
    expect((await call('GET', '/projects/churn', { token: fraud.token })).status).toBe(403);
    expect((await call('GET', '/projects/churn')).status).toBe(401);
    const doc = (await call('GET', '/openapi.json')).json as unknown as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/projects/{slug}');
  });

  it('stores each metric of a run once for ranking', async () => {
    const [row] = await h.database.db.select().from(runs).where(eq(runs.name, 'baseline'));
    const metricRows = await h.database.db.select().from(runMetrics).where(eq(runMetrics.runId, row!.id));
    expect(Object.fromEntries(metricRows.map((m) => [m.name, m.value]))).toEqual({ auc: 0.8, latency_ms: 180 });
  });
});

async function vi_waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

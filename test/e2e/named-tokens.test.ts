import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens } from '../../src/db/schema/index.js';
import { databaseKinds } from '../helpers/db.js';
import { choices, normals, rng, type JsonColumn } from '../helpers/drift-samples.js';
import { settle } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
const DAY = 86_400_000;

function data(n: number, seed: number, shift = 0): Record<string, JsonColumn> {
  const r = rng(seed);
  return { age: normals(r, n, 40 + shift * 10, 10) as JsonColumn, plan: choices(r, ['basic', 'plus', 'pro'], shift ? [1, 3, 6] : [5, 3, 2], n) as JsonColumn };
}

describe.each(databaseKinds())('named API tokens (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let projectId: number;

  const token = async (args: string) => {
    const text = ((await h.people.command(OWNER, CHANNEL, `token churn ${args}`.trim())).body as { text: string }).text;
    return { text, token: /(mlops_[a-z0-9]{10}_[A-Za-z0-9_-]{43})/.exec(text)?.[1] };
  };
  const rows = () => h.database.db.select().from(apiTokens).where(eq(apiTokens.projectId, projectId));
  const list = async () => ((await h.people.command(OWNER, CHANNEL, 'token churn list')).body as { text: string }).text;

  beforeAll(async () => {
    h = await bootApp(kind);
    call = api(h);
    projectId = (await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: CHANNEL, ownerId: OWNER, now: h.clock.now(), phase: 'deployment' })).id;
  });
  afterAll(async () => h?.close());

  it('--name and --expires are stored with the token and said in the answer; the name is lowercased', async () => {
    const made = await token('--name GitHub-Actions --expires 30d');
    expect(made.token).toBeDefined();
    expect(made.text).toContain('API token `github-actions` for *churn*');
    expect(made.text).toMatch(/expires <!date\^\d+\^\{date_short\}\|/);
    const [row] = await h.database.db.select().from(apiTokens).where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.name, 'github-actions')));
    expect(row!.expiresAt!.getTime() - row!.createdAt.getTime()).toBe(30 * DAY);
    expect(row!.lastUsedAt).toBeNull();
  });

  it('a run sent with the token says who sent it by the token’s name, and the list shows its last use', async () => {
    const { token: t } = await token('--name nightly-retrain');
    expect((await call('POST', '/projects/churn/runs', { token: t, body: { metrics: { auc: 0.9 }, name: 'nightly-42' } })).status).toBe(201);
    await settle(h);
    // The run's summary (in the day's thread) names the token, not its id.
    const summary = h.slack.store.messages.find((m) => JSON.stringify(m.blocks ?? []).includes('logged *nightly-42*'));
    expect(JSON.stringify(summary!.blocks)).toContain(':test_tube: `nightly-retrain` (API) logged *nightly-42* in *churn*');
    await waitForLastUse('nightly-retrain');
    const listed = await list();
    expect(listed).toMatch(/\*nightly-retrain\* `[a-z0-9]{10}` by <@U0OWNER> .* — live · last used <!date/);
    expect(listed).toMatch(/\*github-actions\* `[a-z0-9]{10}` .* — live until <!date[^>]*> · never used/);
  });

  it('a drift alert says which token sent the batch that opened it, and later batches say theirs', async () => {
    const { token: t } = await token('--name monitoring');
    expect((await call('POST', '/projects/churn/reference', { token: t, body: { features: data(300, 1) } })).status).toBe(201);
    expect((await call('POST', '/projects/churn/observations', { token: t, body: { features: data(300, 2, 2) } })).status).toBe(201);
    await settle(h);
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.startsWith('Drift alert'))!;
    expect(JSON.stringify(root.blocks)).toContain('sent by `monitoring`');
    h.clock.advance(20 * 60_000);
    expect((await call('POST', '/projects/churn/observations', { token: t, body: { features: data(300, 3, 2) } })).status).toBe(201);
    await settle(h);
    expect(h.slack.store.threadReplies(CHANNEL, root.ts).map((m) => m.text).join('\n')).toMatch(/Batch #\d+ \(from `monitoring`\)/);
  });

  it.each([
    ['a name with spaces', '--name "Bad Name"', 'A token name is 1–40 lowercase letters'],
    ['a name over 40 characters', `--name ${'a'.repeat(41)}`, 'A token name is 1–40'],
    ['an expiry of 0 days', '--expires 0d', '--expires takes days or weeks'],
    ['an expiry in words', '--expires soon', '--expires takes days or weeks'],
    ['an expiry over five years', '--expires 2000d', '--expires takes days or weeks'],
    ['the name of a live token', '--name github-actions', 'already has a live token named `github-actions`'],
    ['--name with list', 'list --name x', '--name and --expires go with creating a token'],
  ])('refuses %s and writes nothing', async (_what, args, message) => {
    const before = (await rows()).length;
    const { text, token: t } = await token(args);
    expect(text).toContain(message);
    expect(t).toBeUndefined();
    expect((await rows()).length).toBe(before);
  });

  it('a revoked token’s name can be used again', async () => {
    const [old] = await h.database.db.select().from(apiTokens).where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.name, 'monitoring')));
    await h.people.command(OWNER, CHANNEL, `token churn revoke ${old!.publicId}`);
    expect((await token('--name monitoring')).token).toBeDefined();
  });

  it('past its expiry the token is refused with 401 token_expired, saying when, and the list says expired', async () => {
    const [gh] = await h.database.db.select().from(apiTokens).where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.name, 'github-actions')));
    const { token: fresh } = await token('--name short-lived --expires 1d');
    expect((await call('POST', '/projects/churn/runs', { token: fresh, body: { metrics: { auc: 0.5 } } })).status).toBe(201);
    h.clock.advance(DAY + 1000);
    const refused = await call('POST', '/projects/churn/runs', { token: fresh, body: { metrics: { auc: 0.5 } } });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'token_expired' });
    expect(refused.json.message).toMatch(/^That token expired on \d{4}-\d\d-\d\d/);
    expect(await list()).toMatch(/\*short-lived\* .* — expired <!date/);
    // A 30-day token is still good a day later.
    expect(gh!.expiresAt!.getTime()).toBeGreaterThan(h.clock.now().getTime());
  });

  async function waitForLastUse(name: string): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const [row] = await h.database.db.select().from(apiTokens).where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.name, name)));
      if (row?.lastUsedAt) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${name} has no last use recorded`);
  }
});

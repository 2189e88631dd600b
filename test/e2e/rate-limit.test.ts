import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_RATE_LIMITS } from '../../src/api/rate-limit.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
// Small limits and a short window keep this file fast; the defaults are checked separately.
const LIMITS = { perToken: 3, perIp: 8, windowMs: 3000 };

describe.each(databaseKinds())('API rate limits, per token and per client address (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let churn: string;
  let fraud: string;

  beforeAll(async () => {
    h = await bootApp(kind, { start: { apiRateLimits: LIMITS } });
    call = api(h);
    for (const slug of ['churn', 'fraud']) await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug, channelId: CHANNEL, ownerId: OWNER, now: h.clock.now() });
    churn = (await tokenFor(h, OWNER, CHANNEL, 'churn')).token;
    fraud = (await tokenFor(h, OWNER, CHANNEL, 'fraud')).token;
  });
  afterAll(async () => h?.close());

  it('the defaults are generous enough for CI: 600 a minute per token, 1200 per address', () => {
    expect(DEFAULT_API_RATE_LIMITS).toEqual({ perToken: 600, perIp: 1200, windowMs: 60_000 });
  });

  it('a token over its limit gets 429 with Retry-After and the JSON error; another token is not affected; the window passes', async () => {
    for (let i = 0; i < LIMITS.perToken; i++) expect((await call('GET', '/projects/churn/runs', { token: churn })).status).toBe(200);
    const limited = await call('POST', '/projects/churn/runs', { token: churn, body: { metrics: { auc: 0.9 } } });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ error: 'rate_limited', field: null, message: expect.stringContaining('with this token: at most 3 per 3 s') });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(limited.headers.get('ratelimit-policy')).toContain('"per-token"');
    // Another project's token still has its budget (the address has 8; 5 are used so far).
    expect((await call('GET', '/projects/fraud/runs', { token: fraud })).status).toBe(200);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await call('GET', '/projects/churn/runs', { token: churn })).status).toBe(200);
  });

  it('one address over its limit gets 429 whatever the token, and before a body is read', async () => {
    const statuses: number[] = [];
    // A fresh (invalid) token each time: no token reaches its own limit, only the address does.
    for (let i = 0; i < LIMITS.perIp; i++) statuses.push((await call('GET', '/projects/fraud/runs', { token: `mlops_fake${i}` })).status);
    const limited = await call('POST', '/projects/churn/runs', { rawBody: '{not json' });
    expect(statuses.at(-1)).toBe(429);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: 'rate_limited', field: null, message: expect.stringContaining('from this address') });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

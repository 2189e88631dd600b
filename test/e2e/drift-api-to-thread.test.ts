import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../helpers/db.js';
import { choices, normals, rng, type JsonColumn } from '../helpers/drift-samples.js';
import { settle } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0MONITOR';
const OWNER = 'U0OWNER';

/** Two features; `shift` moves the current data away from the reference (0: same distribution). */
function data(n: number, seed: number, shift = 0) {
  const r = rng(seed);
  return {
    age: normals(r, n, 40 + shift * 10, 10) as JsonColumn,
    plan: choices(r, ['basic', 'plus', 'pro'], shift ? [1, 3, 6] : [5, 3, 2], n) as JsonColumn,
  };
}

/** What production monitoring does, end to end: data in over HTTP, the team's thread in Slack. */
describe.each(databaseKinds())('drift from the HTTP API to the alert thread (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let token: string;
  beforeAll(async () => {
    h = await bootApp(kind);
    call = api(h);
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'monitor', channelId: CHANNEL, ownerId: OWNER, now: h.clock.now(), phase: 'deployment' });
    ({ token } = await tokenFor(h, OWNER, CHANNEL, 'monitor'));
  });
  afterAll(async () => h?.close());

  const post = (path: 'reference' | 'observations', features: Record<string, JsonColumn>) => call('POST', `/projects/monitor/${path}`, { token, body: { features } });
  const roots = () => h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.startsWith('Drift alert'));

  it('a drifted batch opens one thread; later ones reply in it; Resolve ends it; the next drift opens a new one', async () => {
    expect((await post('reference', data(400, 1))).status).toBe(201);
    // A batch like the reference raises nothing.
    const calm = await post('observations', data(300, 2));
    expect(calm.status).toBe(201);
    expect(calm.json.datasetDrift).toBe(false);
    await settle(h);
    expect(roots()).toHaveLength(0);

    const drifted = await post('observations', data(300, 3, 2));
    expect(drifted.json.datasetDrift).toBe(true);
    await settle(h);
    expect(roots()).toHaveLength(1);
    const root = roots()[0]!;
    expect(JSON.stringify(root.blocks)).toContain('`age`');

    // More drift while it is open: no second root.
    h.clock.advance(20 * 60_000);
    await post('observations', data(300, 4, 2));
    await settle(h);
    expect(roots()).toHaveLength(1);
    expect(h.slack.store.threadReplies(CHANNEL, root.ts).length).toBeGreaterThan(0);

    await h.people.click(OWNER, h.slack.store.find(CHANNEL, root.ts)!, 'Resolve');
    await settle(h);
    expect(JSON.stringify(h.slack.store.find(CHANNEL, root.ts)!.blocks)).toContain('Resolved');

    await post('observations', data(300, 5, 2));
    await settle(h);
    expect(roots()).toHaveLength(2);
  });
});

import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/db/repositories/projects.js';
import { gateBallots, gates, outbox } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { seeded } from '../helpers/drift.js';
import { choices, normals, rng, type JsonColumn } from '../helpers/drift-samples.js';
import { buttonLabels, lastGateMessage, makeProject, OWNER, settle, tallySection } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { expectEachPostOnceInOrder } from '../helpers/outbox-proof.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const VOTERS = Array.from({ length: 40 }, (_, i) => `U0STORM${String(i).padStart(2, '0')}`);
const [ANA, BEN, CAY] = ['U0ANA', 'U0BEN', 'U0CAY'];
const MINUTE = 60_000;

function driftData(n: number, seed: number, shift: number): Record<string, JsonColumn> {
  const r = rng(seed);
  return { age: normals(r, n, 40 + shift * 10, 10) as JsonColumn, plan: choices(r, ['basic', 'plus', 'pro'], shift ? [1, 3, 6] : [5, 3, 2], n) as JsonColumn };
}

/**
 * Slack has a bad minute: 30% of every Web API call fails (429, a 500 before acting, or a 500 after
 * Slack did the work) while a gate is voted on by 40 people, a check-in is answered and closes, and
 * drifted batches keep arriving. After Slack recovers: every ballot counted, every queued message
 * in Slack exactly once, a thread's posts in the order they were queued, and each live message in
 * its final state.
 */
describe.each(databaseKinds())('Slack failing 30%% of calls for a minute (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const tick = (ms = 1000) => h.app.jobs.tick(h.clock.advance(ms));

  it('after recovery every ballot is counted and every message was delivered exactly once, in order', async () => {
    // Before the storm: a gate open for 40 voters, a check-in posted, a drift reference stored.
    await makeProject(h, 'storm', { stakeholders: VOTERS });
    await h.people.command(OWNER, 'C0GATES', 'gate storm --deadline 48h');
    await settle(h);
    const gateMsg = lastGateMessage(h);
    await createProject(h.database.db, { teamId: h.slack.teamId, slug: 'pulse', channelId: 'C0PULSE', ownerId: OWNER, brief: { stakeholders: [ANA, BEN, CAY] }, now: h.clock.now() });
    await h.people.command(OWNER, 'C0PULSE', 'viability pulse now --window 1h');
    await settle(h);
    const checkin = h.slack.store.channelMessages('C0PULSE').find((m) => m.text.startsWith('Viability check-in for'))!;
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'monitor', channelId: 'C0MONITOR', ownerId: OWNER, now: h.clock.now(), phase: 'deployment' });
    const { token } = await tokenFor(h, OWNER, 'C0MONITOR', 'monitor');
    const call = api(h);
    expect((await call('POST', '/projects/monitor/reference', { token, body: { features: driftData(400, 1, 0) } })).status).toBe(201);

    const streams = new Map<string, () => number>();
    const draw = (method: string) => {
      if (!streams.has(method)) streams.set(method, seeded(12 + [...method].reduce((a, c) => a * 31 + c.charCodeAt(0), 0)));
      return streams.get(method)!();
    };
    h.slack.flaky({ rate: 0.3, random: draw, retryAfter: 1 });
    const clicks = await Promise.all(VOTERS.map((v) => h.people.click(v, gateMsg, 'Go')));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    for (const who of [ANA, BEN]) expect((await h.people.click(who, checkin, 'On track')).status).toBe(200);
    for (let i = 0; i < 60; i++) {
      if (i % 12 === 0) {
        // A drifted batch every 12 ticks, 20 minutes apart: the first opens the alert, the rest reply.
        h.clock.advance(20 * MINUTE);
        expect((await call('POST', '/projects/monitor/observations', { token, body: { features: driftData(300, 100 + i, 2) } })).status).toBe(201);
      }
      if (i === 30) h.clock.advance(61 * MINUTE); // the check-in's window closes during the storm
      // A run from CI every other tick: its summary joins the day's experiments thread (one lane).
      if (i % 2 === 0) expect((await call('POST', '/projects/monitor/runs', { token, body: { name: `storm-${i}`, metrics: { auc: 0.7 + i / 1000 } } })).status).toBe(201);
      await tick();
    }
    h.slack.flaky(null);
    await waitFor(async () => {
      await tick(MINUTE);
      return (await h.database.db.select({ id: outbox.id }).from(outbox).where(inArray(outbox.status, ['pending', 'sending']))).length === 0;
    }, 'the outbox to drain', 60_000);

    // Every ballot counted; the gate closed once, and its message shows the close.
    const [gate] = await h.database.db.select().from(gates).where(eq(gates.messageOutboxId, Number(gateMsg.metadata?.event_payload.outbox_id)));
    expect(await h.database.db.select().from(gateBallots).where(eq(gateBallots.gateId, gate!.id))).toHaveLength(40);
    const gateNow = h.slack.store.find(gateMsg.channel, gateMsg.ts)!;
    expect(tallySection(gateNow)).toContain('Closed: GO');
    expect(tallySection(gateNow)).toContain('(40 of 40 voted');
    expect(buttonLabels(gateNow)).toEqual([]);
    // The check-in closed, once, with its buttons gone.
    const checkinNow = h.slack.store.find(checkin.channel, checkin.ts)!;
    expect(buttonLabels(checkinNow)).toEqual([]);
    expect(h.slack.store.threadReplies(checkin.channel, checkin.ts).filter((m) => m.text.includes('closed:')).map((m) => m.text), 'check-in summaries').toHaveLength(1);
    // One drift alert thread.
    expect(h.slack.store.channelMessages('C0MONITOR').filter((m) => m.text.startsWith('Drift alert')).map((m) => m.text), 'drift alert roots').toHaveLength(1);

    // Nothing failed for good, and every queued post is in Slack exactly once.
    const rows = await h.database.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent').map((r) => `${r.id} ${r.method} ${r.status} ${r.lastError}`)).toEqual([]);
    expect(expectEachPostOnceInOrder(rows, h.slack.store.messages), 'threads checked').toBeGreaterThan(1);
    // The storm really hit: Slack failed many calls, including some after acting.
    const outboxCalls = h.slack.store.calls.filter((c) => ['chat.postMessage', 'chat.update', 'conversations.replies', 'conversations.history'].includes(c.method));
    expect(outboxCalls.filter((c) => c.status === 500).length, 'outbox calls answered 500').toBeGreaterThanOrEqual(4);
    expect(outboxCalls.filter((c) => c.status === 429).length, 'outbox calls answered 429').toBeGreaterThanOrEqual(2);
    // The bot's identity was asked of Slack once, before the storm, not again for every click.
    expect(h.slack.store.callsTo('auth.test')).toHaveLength(1);
  }, 120_000);
});

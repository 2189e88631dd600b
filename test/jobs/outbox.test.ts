import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { claimDueOutbox, enqueue, findOutbox, markFailed, markRetry, markSent, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { outbox } from '../../src/db/schema/index.js';
import { OUTBOX_EVENT_TYPE } from '../../src/jobs/outbox-worker.js';
import { databaseKinds } from '../helpers/db.js';
import type { Harness } from '../helpers/harness.js';
import { outboxTestBed } from '../helpers/outbox-bed.js';

const TEAM = 'T0SANDBOX';

/** The durable outbox against the Slack emulator, with Slack failing in the ways it does. */
describe.each(databaseKinds())('outbox delivery through the emulator (%s)', (kind) => {
  let h: Harness;
  let channel: string;
  outboxTestBed(kind, 'C0OUTBOX', (harness, ch) => {
    h = harness;
    channel = ch;
  });

  const post = (text: string, extra: { parentId?: number; dedupeKey?: string } = {}) =>
    enqueue(h.database.db, { teamId: TEAM, method: 'chat.postMessage', channelId: channel, payload: { text }, now: h.clock.now(), ...extra });
  const texts = () => h.slack.store.messages.filter((m) => m.channel === channel).map((m) => m.text);
  const postCalls = () => h.slack.store.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const row = async (r: OutboxRow) => (await findOutbox(h.database.db, r.id))!;
  /** A lease that ran out a second ago by the database's clock, which leases are kept in. */
  const leaseOver = () => new Date(Date.now() - 1000);
  const tickFor = async (seconds: number, onTick?: (now: Date) => void) => {
    for (let i = 0; i < seconds; i++) {
      const now = h.clock.advance(1000);
      await h.app.jobs.tick(now);
      onTick?.(now);
    }
  };

  it('with chat.postMessage failing (500s, then 429s) every queued message is delivered exactly once afterwards; a reply after its root, an edit after its message', async () => {
    const roots = [];
    for (let i = 1; i <= 4; i++) roots.push(await post(`message ${i}`));
    const reply = await post('reply to 1', { parentId: roots[0]!.id });
    const update = await enqueue(h.database.db, { teamId: TEAM, method: 'chat.update', channelId: channel, payload: { text: 'message 2 (edited)' }, targetId: roots[1]!.id, now: h.clock.now() });
    h.slack.injectFault({ method: 'chat.postMessage', times: 3, status: 500 });
    h.slack.injectFault({ method: 'chat.postMessage', times: 2, status: 429, retryAfter: 3 });

    // Record when each postMessage call happened (in test-clock time) to check Retry-After.
    const callTimes: { at: number; status: number }[] = [];
    let seen = 0;
    await tickFor(40, (now) => {
      for (const c of postCalls().slice(seen)) callTimes.push({ at: now.getTime(), status: c.status });
      seen = postCalls().length;
    });

    // Top-level posts carry no order among themselves (one failing must not hold the channel), so
    // the set is compared; what must hold is once each, and the order within a thread and a message.
    expect(texts().sort()).toEqual(['message 1', 'message 2 (edited)', 'message 3', 'message 4', 'reply to 1']);
    const okCalls = h.slack.store.calls.filter((c) => c.ok && c.args.channel === channel && (c.method === 'chat.postMessage' || c.method === 'chat.update'));
    const okTexts = okCalls.map((c) => String(c.args.text));
    for (const t of ['message 1', 'message 2', 'message 3', 'message 4', 'reply to 1', 'message 2 (edited)']) expect(okTexts.filter((x) => x === t)).toHaveLength(1);
    expect(okTexts.indexOf('reply to 1')).toBeGreaterThan(okTexts.indexOf('message 1'));
    expect(okTexts.indexOf('message 2 (edited)')).toBeGreaterThan(okTexts.indexOf('message 2'));
    const first = h.slack.store.messages.find((m) => m.channel === channel && m.text === 'message 1')!;
    const threaded = h.slack.store.messages.find((m) => m.channel === channel && m.text === 'reply to 1')!;
    expect(threaded.threadTs).toBe(first.ts);
    for (const r of [...roots, reply, update]) expect((await row(r)).status).toBe('sent');
    expect((await row(roots[0]!)).ts).toBe(first.ts);
    // The first 429 held every postMessage for its Retry-After (3 s): no call in between.
    const limited = callTimes.findIndex((c) => c.status === 429);
    const after = callTimes[limited + 1]!;
    expect(after.at - callTimes[limited]!.at).toBeGreaterThanOrEqual(3000);
    // 500s cost attempts, 429s do not: five deliveries plus the three 500s.
    let attempts = 0;
    for (const r of [...roots, reply]) attempts += (await row(r)).attempts;
    expect(attempts).toBe(5 + 3);
  });

  it('a worker that died between Slack\'s answer and the write-back does not cause a second post', async () => {
    const r = await post('posted once');
    await tickFor(1);
    const { ts } = await row(r);
    expect(texts()).toEqual(['posted once']);
    // As if the write-back never happened: still "sending", lease run out (leases are in the database's clock).
    await h.database.db.update(outbox).set({ status: 'sending', ts: null, leaseUntil: leaseOver() }).where(eq(outbox.id, r.id));
    const historyBefore = h.slack.store.callsTo('conversations.history').length;
    await tickFor(2);
    expect(texts()).toEqual(['posted once']);
    expect(h.slack.store.callsTo('conversations.history').length).toBe(historyBefore + 1);
    expect(await row(r)).toMatchObject({ status: 'sent', ts });
  });

  it('a worker whose lease ran out cannot overwrite what the worker that took the row over recorded', async () => {
    const r = await post('slow worker');
    const t0 = h.clock.now();
    const [slow] = await claimDueOutbox(h.database.db, t0, 60_000, 10);
    expect(slow?.id).toBe(r.id);
    // While its lease runs, nobody else can take the row.
    expect(await claimDueOutbox(h.database.db, t0, 60_000, 10)).toEqual([]);
    // The slow worker's lease expires; another worker claims the row and records the delivery.
    await h.database.db.update(outbox).set({ leaseUntil: leaseOver() }).where(eq(outbox.id, r.id));
    const [fast] = await claimDueOutbox(h.database.db, t0, 60_000, 10);
    expect(fast).toMatchObject({ id: r.id, recovering: true });
    expect(await markSent(h.database.db, fast!, '111.000001', t0)).toBe(true);
    // The slow worker's late answers change nothing.
    expect(await markSent(h.database.db, slow!, '222.000002', t0)).toBe(false);
    await markRetry(h.database.db, slow!, t0, 'late failure');
    await markFailed(h.database.db, slow!, 'late permanent failure');
    expect(await row(r)).toMatchObject({ status: 'sent', ts: '111.000001', lastError: null });
  });

  it('after an uncertain failure (Slack had in fact posted), the retry finds the message instead of posting again', async () => {
    const r = await post('maybe posted');
    // What Slack did before its 500 reached us: the message, carrying our outbox id.
    const msg = h.slack.addMessage({ channel, text: 'maybe posted', botId: h.slack.botId, metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: r.id } } });
    await h.database.db.update(outbox).set({ attempts: 1, lastError: 'uncertain: HTTP 500' }).where(eq(outbox.id, r.id));
    await tickFor(1);
    expect(texts()).toEqual(['maybe posted']);
    expect(await row(r)).toMatchObject({ status: 'sent', ts: msg.ts });
  });

  it('when Slack refuses the lookup itself (not_in_channel), the message is posted rather than lost', async () => {
    const r = await post('lookup refused');
    await h.database.db.update(outbox).set({ status: 'sending', attempts: 1, leaseUntil: leaseOver() }).where(eq(outbox.id, r.id));
    h.slack.injectFault({ method: 'conversations.history', times: 1, error: 'not_in_channel' });
    await tickFor(1);
    expect(texts()).toEqual(['lookup refused']);
    expect((await row(r)).status).toBe('sent');
  });

  it('a permanent Slack error fails the message with the reason, and its thread reply too, without retrying', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', times: 1, error: 'channel_not_found' });
    const parent = await post('to nowhere');
    const reply = await post('reply to nowhere', { parentId: parent.id });
    await tickFor(3);
    expect(await row(parent)).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    expect(await row(reply)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('failed') });
    expect(postCalls()).toHaveLength(1);
  });

  it('a rate-limit spell longer than the attempt limit still ends in delivery', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', times: 45, status: 429, retryAfter: 1 });
    const r = await post('patient');
    await tickFor(50);
    expect(texts()).toEqual(['patient']);
    expect(await row(r)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('enqueueing the same dedupe key twice keeps one message', async () => {
    const a = await post('once per slot', { dedupeKey: `slot:${channel}` });
    const b = await post('once per slot', { dedupeKey: `slot:${channel}` });
    expect(b.id).toBe(a.id);
    await tickFor(1);
    expect(texts()).toEqual(['once per slot']);
  });
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { claimDueOutbox, enqueue, findOutbox, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { outbox } from '../../src/db/schema/index.js';
import { deliverOutbox } from '../../src/jobs/outbox-worker.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import type { Harness } from '../helpers/harness.js';
import { outboxTestBed } from '../helpers/outbox-bed.js';

const TEAM = 'T0SANDBOX';

/** The outbox's one rule of order (a message's updates, a thread's posts) and its leases. */
describe.each(databaseKinds())('outbox order and leases (%s)', (kind) => {
  let h: Harness;
  let channel: string;
  outboxTestBed(kind, 'C0ORDER', (harness, ch) => {
    h = harness;
    channel = ch;
  });

  const db = () => h.database.db;
  const post = (text: string, extra: { parentId?: number; threadTs?: string } = {}) =>
    enqueue(db(), { teamId: TEAM, method: 'chat.postMessage', channelId: channel, payload: { text }, now: h.clock.now(), ...extra });
  const update = (targetId: number, text: string) => enqueue(db(), { teamId: TEAM, method: 'chat.update', channelId: channel, targetId, payload: { text }, now: h.clock.now() });
  const row = async (r: OutboxRow) => (await findOutbox(db(), r.id))!;
  const tickFor = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) await h.app.jobs.tick(h.clock.advance(1000));
  };
  const okUpdates = () => h.slack.store.callsTo('chat.update').filter((c) => c.ok && c.args.channel === channel).map((c) => String(c.args.text));

  it('two updates of one message, the first failing with a 500: they land in the order queued and the message shows the later one', async () => {
    const msg = await post('v0');
    await tickFor(1);
    const first = await update(msg.id, 'v1');
    const second = await update(msg.id, 'v2');
    h.slack.injectFault({ method: 'chat.update', times: 1, status: 500 });
    await tickFor(20);
    expect(okUpdates()).toEqual(['v1', 'v2']);
    expect(h.slack.store.channelMessages(channel).map((m) => m.text)).toEqual(['v2']);
    for (const r of [first, second]) expect((await row(r)).status).toBe('sent');
  });

  it('replies to a thread the outbox did not start (addressed by thread_ts) keep their order while the first is retried', async () => {
    const root = h.slack.addMessage({ channel, text: 'a thread started elsewhere', botId: h.slack.botId });
    h.slack.injectFault({ method: 'chat.postMessage', times: 2, status: 500 });
    await post('first', { threadTs: root.ts });
    await post('second', { threadTs: root.ts });
    await post('third', { threadTs: root.ts });
    await tickFor(20);
    expect(h.slack.store.threadReplies(channel, root.ts).map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  it('a claim made by a job pass that started long ago still holds a full lease: no other worker can take the row', async () => {
    // The pass began two minutes ago and spent them on timers; the row was due when it began.
    const passStarted = new Date(h.clock.now().getTime() - 120_000);
    const r = await enqueue(db(), { teamId: TEAM, method: 'chat.postMessage', channelId: channel, payload: { text: 'claimed late' }, now: new Date(passStarted.getTime() - 1000) });
    const [mine] = await claimDueOutbox(db(), passStarted, 60_000, 10);
    expect(mine?.id).toBe(r.id);
    expect(mine!.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Another replica's pass, now, finds nothing to take over.
    expect(await claimDueOutbox(db(), h.clock.now(), 60_000, 10)).toEqual([]);
  });

  it('a worker that outlived its lease (stalled before sending) does not post after another worker took the row over', async () => {
    const r = await enqueue(db(), { teamId: TEAM, method: 'chat.postMessage', channelId: channel, payload: { render: { kind: 'test.slow' } }, now: h.clock.now() });
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    let rendering = false;
    const slowWorker = deliverOutbox(h.app.deps, h.clock.now(), {
      'test.slow': async () => {
        rendering = true;
        await stalled;
        return { text: 'exactly once' };
      },
    });
    await waitFor(() => rendering, 'the slow worker to start rendering');
    // Its lease runs out while it is stalled; a healthy worker takes the row over and delivers it.
    await db().update(outbox).set({ leaseUntil: new Date(Date.now() - 1000) }).where(eq(outbox.id, r.id));
    expect(await deliverOutbox(h.app.deps, h.clock.now(), { 'test.slow': async () => ({ text: 'exactly once' }) })).toBe(1);
    release();
    await slowWorker;
    expect(h.slack.store.channelMessages(channel).map((m) => m.text)).toEqual(['exactly once']);
    expect(h.slack.store.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
    expect((await row(r)).status).toBe('sent');
  });

  it.skipIf(kind === 'pglite')('an update whose transaction committed after a later update of the same message went out is not sent (it would show older content)', async () => {
    const msg = await post('v0');
    await tickFor(1);
    // A transaction queues v1, then is slow to commit; meanwhile v2 is queued, committed and sent.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let queued = false;
    const slowTx = db().transaction(async (tx) => {
      await enqueue(tx, { teamId: TEAM, method: 'chat.update', channelId: channel, targetId: msg.id, payload: { text: 'v1' }, now: h.clock.now() });
      queued = true;
      await committed;
    });
    await waitFor(() => queued, 'v1 queued');
    await update(msg.id, 'v2');
    await tickFor(2);
    commit();
    await slowTx;
    await tickFor(3);
    expect(okUpdates()).toEqual(['v2']);
    expect(h.slack.store.channelMessages(channel).map((m) => m.text)).toEqual(['v2']);
  });
});

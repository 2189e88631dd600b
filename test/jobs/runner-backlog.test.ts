import { afterEach, describe, expect, it } from 'vitest';
import { enqueue, outboxCounts } from '../../src/db/repositories/outbox.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const TEAM = 'T0SANDBOX';
const ROWS = 300;

/** The heartbeat's passes with a backlog in the outbox (a CI burst queued hundreds of summaries). */
describe.each(databaseKinds())('job runner with an outbox backlog (%s)', (kind) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a stop during a long backlog ends after the batch in hand, not after the whole backlog; the rest stays queued and goes out later', async () => {
    h = await bootApp(kind);
    for (let i = 0; i < ROWS; i++) await enqueue(h.database.db, { teamId: TEAM, method: 'chat.postMessage', channelId: 'C0BACKLOG', payload: { text: `summary ${i}` }, now: h.clock.now() });
    // 20 ms per post: the whole backlog takes at least 6 s to send.
    h.slack.injectFault({ method: 'chat.postMessage', times: ROWS, delayMs: 20 });
    h.app.jobs.start();
    await waitFor(() => h!.slack.store.callsTo('chat.postMessage').length > 10, 'first posts', 10_000);
    const t0 = Date.now();
    await h.app.jobs.stop();
    const stopMs = Date.now() - t0;
    const counts = await outboxCounts(h.database.db);
    // One batch is at most 50 rows of 20 ms: about a second, well under the 6 s of the backlog.
    expect(stopMs).toBeLessThan(2500);
    expect(counts.sent ?? 0).toBeLessThan(ROWS);
    expect(counts.sending ?? 0).toBe(0);

    h.app.jobs.start();
    await waitFor(async () => ((await outboxCounts(h!.database.db)).sent ?? 0) === ROWS, 'the rest of the backlog', 30_000);
    await h.app.jobs.stop();
    const texts = h.slack.store.channelMessages('C0BACKLOG').map((m) => m.text);
    expect(new Set(texts).size).toBe(ROWS);
  }, 60_000);
});

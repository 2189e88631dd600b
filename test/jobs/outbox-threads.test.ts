import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enqueue, findOutbox, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { outbox } from '../../src/db/schema/index.js';
import { databaseKinds } from '../helpers/db.js';
import type { Harness } from '../helpers/harness.js';
import { outboxTestBed } from '../helpers/outbox-bed.js';

const TEAM = 'T0SANDBOX';
/** The 8-byte PNG signature and a little more: the outbox does not read the file, only carries it. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** Thread order and file uploads in the outbox, against the emulator's failures. */
describe.each(databaseKinds())('outbox threads and files (%s)', (kind) => {
  let h: Harness;
  let channel: string;
  outboxTestBed(kind, 'C0THREAD', (harness, ch) => {
    h = harness;
    channel = ch;
  });

  const post = (text: string, parentId?: number) =>
    enqueue(h.database.db, { teamId: TEAM, method: 'chat.postMessage', channelId: channel, payload: { text }, now: h.clock.now(), ...(parentId ? { parentId } : {}) });
  const upload = (filename: string, parentId: number) =>
    enqueue(h.database.db, { teamId: TEAM, method: 'files.upload', channelId: channel, parentId, payload: { file_base64: PNG.toString('base64'), filename, title: `chart ${filename}` }, now: h.clock.now() });
  const rootOf = (text: string) => h.slack.store.channelMessages(channel).find((m) => m.text === text)!;
  const replies = (text: string) => h.slack.store.threadReplies(channel, rootOf(text).ts).map((m) => (m.files?.length ? `file:${m.files[0]!.filename}` : m.text));
  const row = async (r: OutboxRow) => (await findOutbox(h.database.db, r.id))!;
  const tickFor = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) await h.app.jobs.tick(h.clock.advance(1000));
  };

  it('posts of one thread go out in the order they were queued, even when the first of them fails for a while', async () => {
    const root = await post('root');
    await tickFor(1);
    h.slack.injectFault({ method: 'chat.postMessage', times: 3, status: 500 });
    const first = await post('first reply', root.id);
    const chart = await upload('chart.png', root.id);
    const second = await post('second reply', root.id);
    // Another thread is not held up by this one.
    const other = await post('other root');
    await tickFor(30);
    expect(replies('root')).toEqual(['first reply', 'file:chart.png', 'second reply']);
    expect(h.slack.store.channelMessages(channel).map((m) => m.text)).toEqual(['root', 'other root']);
    for (const r of [first, chart, second, other]) expect((await row(r)).status).toBe('sent');
    // The held replies did not spend attempts while they waited.
    expect((await row(second)).attempts).toBe(1);
  });

  it('a file goes to its thread with files v2, once, even when completing the upload fails and is retried', async () => {
    const root = await post('with chart');
    await tickFor(1);
    h.slack.injectFault({ method: 'files.completeUploadExternal', times: 2, status: 500 });
    const file = await upload('drift.png', root.id);
    await tickFor(10);
    const [msg] = h.slack.store.threadReplies(channel, rootOf('with chart').ts);
    expect(msg!.files![0]).toMatchObject({ filename: 'drift.png', title: 'chart drift.png' });
    expect(msg!.files![0]!.bytes).toEqual(PNG);
    expect(replies('with chart')).toEqual(['file:drift.png']);
    expect((await row(file)).status).toBe('sent');
  });

  it('an upload that reached Slack before the answer was lost is found in the thread by its file name, not uploaded again', async () => {
    const root = await post('already there');
    await tickFor(1);
    const file = await upload('found.png', root.id);
    const parent = rootOf('already there');
    // What Slack did before its 500 reached us: the file is in the thread.
    h.slack.store.files.set('F0FOUND', { id: 'F0FOUND', filename: 'found.png', title: 'chart found.png', bytes: PNG });
    h.slack.addMessage({ channel, threadTs: parent.ts, botId: h.slack.botId, text: '', files: [h.slack.store.files.get('F0FOUND')!] });
    await h.database.db.update(outbox).set({ attempts: 1, lastError: 'uncertain: HTTP 500' }).where(eq(outbox.id, file.id));
    const uploadsBefore = h.slack.store.callsTo('files.getUploadURLExternal').length;
    await tickFor(2);
    expect(replies('already there')).toEqual(['file:found.png']);
    expect(h.slack.store.callsTo('files.getUploadURLExternal')).toHaveLength(uploadsBefore);
    expect((await row(file)).status).toBe('sent');
  });
});

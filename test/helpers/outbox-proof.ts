import { expect } from 'vitest';
import type { OutboxRow } from '../../src/db/repositories/outbox.js';
import { OUTBOX_EVENT_TYPE } from '../../src/jobs/outbox-worker.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';

/**
 * The outbox's promise checked against what Slack holds: every post the outbox sent is in Slack
 * exactly once (found by the outbox id it carries, or a file by its unique name), and the posts of
 * each thread appear in the order they were queued. Returns how many threads were checked.
 */
export function expectEachPostOnceInOrder(rows: OutboxRow[], messages: StoredMessage[]): number {
  const posted = (id: number) => messages.filter((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && Number(m.metadata.event_payload.outbox_id) === id);
  const uploaded = (filename: string) => messages.filter((m) => (m.files ?? []).some((f) => f.filename === filename));
  const messageOf = (r: OutboxRow) => (r.method === 'files.upload' ? uploaded((r.payload as { filename: string }).filename) : posted(r.id));
  const posts = rows.filter((r) => r.status === 'sent' && ((r.method === 'chat.postMessage' && r.ts) || r.method === 'files.upload'));
  expect(posts.length, 'posts sent').toBeGreaterThan(0);
  for (const r of posts) expect(messageOf(r).map((m) => `${m.ts} ${m.text}`), `outbox row ${r.id} (${r.method}, ${r.lastError})`).toHaveLength(1);
  const threads = new Map<string, OutboxRow[]>();
  for (const r of posts.filter((p) => p.lane?.startsWith('thread:'))) threads.set(r.lane!, [...(threads.get(r.lane!) ?? []), r]);
  for (const lane of threads.values()) {
    const tsInIdOrder = [...lane].sort((a, b) => a.id - b.id).map((r) => messageOf(r)[0]!.ts);
    expect(tsInIdOrder).toEqual([...tsInIdOrder].sort((a, b) => Number(a) - Number(b)));
  }
  return threads.size;
}

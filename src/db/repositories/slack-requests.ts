import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { slackRequestsSeen } from '../schema/index.js';

/**
 * Every click and slash command records its trigger id before its ack, so under load many calls
 * wait on this at once. They share INSERTs (a round trip each cost more, in the app and in
 * PostgreSQL, than the rest of the ack): one runs at a time per database, and the calls that arrive
 * meanwhile go in the next one (a lone call waits for nothing but the end of the current turn of the
 * event loop). A key given twice in one batch is inserted once, and only its first caller is told
 * "first". A lone call runs a statement prepared once per database (building it anew each time cost
 * more than running it).
 */
interface SeenCall {
  key: string;
  now: Date;
  resolve: (first: boolean) => void;
  reject: (err: unknown) => void;
}
/** Per database: the calls waiting for the next INSERT, and whether one is running or about to. */
const seenQueues = new WeakMap<Db, { calls: SeenCall[]; busy: boolean }>();
const markSeenStatements = new WeakMap<Db, ReturnType<typeof prepareMarkSeen>>();
const prepareMarkSeen = (db: Db) =>
  db
    .insert(slackRequestsSeen)
    .values({ key: sql.placeholder('key'), seenAt: sql.placeholder('seenAt'), state: 'done' })
    .onConflictDoNothing()
    .returning({ key: slackRequestsSeen.key })
    .prepare('mark_request_seen');

/** Records a request key as handled; false when it was already seen (a retry or replay of something already handled). */
export function markRequestSeen(db: Db, key: string, now: Date): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let queue = seenQueues.get(db);
    if (!queue) seenQueues.set(db, (queue = { calls: [], busy: false }));
    queue.calls.push({ key, now, resolve, reject });
    if (!queue.busy) flushSeen(db, queue);
  });
}

/** One INSERT at a time per database: calls arriving while it runs go in the next one. */
function flushSeen(db: Db, queue: { calls: SeenCall[]; busy: boolean }): void {
  queue.busy = true;
  setImmediate(() => {
    const calls = queue.calls;
    queue.calls = [];
    insertSeen(db, calls)
      .catch((err: unknown) => calls.forEach((c) => c.reject(err)))
      .finally(() => {
        queue.busy = false;
        if (queue.calls.length > 0) flushSeen(db, queue);
      });
  });
}

async function insertSeen(db: Db, calls: SeenCall[]): Promise<void> {
  if (calls.length === 1) {
    let statement = markSeenStatements.get(db);
    if (!statement) markSeenStatements.set(db, (statement = prepareMarkSeen(db)));
    const rows = await statement.execute({ key: calls[0]!.key, seenAt: calls[0]!.now });
    calls[0]!.resolve(rows.length === 1);
    return;
  }
  const firstCalls = new Map<string, SeenCall>();
  for (const c of calls) if (!firstCalls.has(c.key)) firstCalls.set(c.key, c);
  const rows = await db
    .insert(slackRequestsSeen)
    .values([...firstCalls.values()].map((c) => ({ key: c.key, seenAt: c.now, state: 'done' as const })))
    .onConflictDoNothing()
    .returning({ key: slackRequestsSeen.key });
  const inserted = new Set(rows.map((r) => r.key));
  for (const c of calls) c.resolve(firstCalls.get(c.key) === c && inserted.has(c.key));
}

export type SeenState = (typeof slackRequestsSeen.$inferSelect)['state'];

/**
 * Claims a request key for one delivery under a lease: a new key, one whose last delivery failed,
 * or one whose delivery's lease ran out (its instance died mid-way) is claimed, atomically, by one
 * delivery only. Otherwise says what the key is: 'done', or 'processing' by a live delivery.
 */
export async function claimRequest(db: Db, key: string, claim: string, now: Date, leaseUntil: Date): Promise<{ claimed: true } | { claimed: false; state: SeenState }> {
  const t = slackRequestsSeen;
  const rows = await db
    .insert(t)
    .values({ key, seenAt: now, state: 'processing', leaseUntil, claim })
    .onConflictDoUpdate({
      target: t.key,
      set: { seenAt: now, state: 'processing', leaseUntil, claim },
      setWhere: or(eq(t.state, 'failed'), and(eq(t.state, 'processing'), lt(t.leaseUntil, now))),
    })
    .returning({ key: t.key });
  if (rows.length === 1) return { claimed: true };
  const [row] = await db.select({ state: t.state }).from(t).where(eq(t.key, key));
  // Gone in between (pruned): say "in progress", so Slack tries again rather than the event being dropped.
  return { claimed: false, state: row?.state ?? 'processing' };
}

/** Ends a claimed delivery: 'done', or 'failed' so the next delivery of the key runs again. A claim taken over meanwhile is left alone. */
export async function settleRequest(db: Db, key: string, claim: string, state: 'done' | 'failed'): Promise<void> {
  const t = slackRequestsSeen;
  await db.update(t).set({ state, leaseUntil: null }).where(and(eq(t.key, key), eq(t.claim, claim)));
}

/** Slack stops retrying after minutes; a day of keys is plenty. */
export async function pruneSeenRequests(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(slackRequestsSeen).where(lt(slackRequestsSeen.seenAt, before)).returning({ k: sql`1` });
  return rows.length;
}

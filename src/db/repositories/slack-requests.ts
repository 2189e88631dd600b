import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { slackRequestsSeen } from '../schema/index.js';

/**
 * Prepared once per database: every click and slash command runs this before its ack, and building
 * the statement anew (drizzle's query builder, PostgreSQL's parse) cost more than running it.
 */
const markSeenStatements = new WeakMap<Db, ReturnType<typeof prepareMarkSeen>>();
const prepareMarkSeen = (db: Db) =>
  db
    .insert(slackRequestsSeen)
    .values({ key: sql.placeholder('key'), seenAt: sql.placeholder('seenAt'), state: 'done' })
    .onConflictDoNothing()
    .returning({ key: slackRequestsSeen.key })
    .prepare('mark_request_seen');

/** Records a request key as handled; false when it was already seen (a retry or replay of something already handled). */
export async function markRequestSeen(db: Db, key: string, now: Date): Promise<boolean> {
  let statement = markSeenStatements.get(db);
  if (!statement) markSeenStatements.set(db, (statement = prepareMarkSeen(db)));
  const rows = await statement.execute({ key, seenAt: now });
  return rows.length === 1;
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

import { lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { slackRequestsSeen } from '../schema/index.js';

/** Records a request key; false when it was already seen (a retry of something already handled). */
export async function markRequestSeen(db: Db, key: string, now: Date): Promise<boolean> {
  const rows = await db.insert(slackRequestsSeen).values({ key, seenAt: now }).onConflictDoNothing().returning({ key: slackRequestsSeen.key });
  return rows.length === 1;
}

/** Slack stops retrying after minutes; a day of keys is plenty. */
export async function pruneSeenRequests(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(slackRequestsSeen).where(lt(slackRequestsSeen.seenAt, before)).returning({ k: sql`1` });
  return rows.length;
}

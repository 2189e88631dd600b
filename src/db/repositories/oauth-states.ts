import { eq, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { oauthStates } from '../schema/index.js';

/** Records an issued state; expired ones are swept on the way, so the table stays as small as the installs in progress. */
export async function insertOauthState(db: Db, s: { stateHash: string; installOptions: unknown; expiresAt: Date }, now: Date): Promise<void> {
  await db.delete(oauthStates).where(lte(oauthStates.expiresAt, now));
  await db.insert(oauthStates).values(s);
}

/**
 * Takes a state out of the table: the delete is the check, so of two requests with the same state
 * only one gets the row. Undefined when it was never issued, is already used, or has expired.
 */
export async function consumeOauthState(db: Db, stateHash: string, now: Date): Promise<{ installOptions: unknown } | undefined> {
  const [row] = await db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
  return row && row.expiresAt > now ? { installOptions: row.installOptions } : undefined;
}

import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { homeVisitors } from '../schema/index.js';

/** Notes that this person has opened Home (see `homeVisitors`); true on their first visit. */
export async function recordHomeVisit(db: Db, teamId: string, userId: string, now: Date): Promise<boolean> {
  const rows = await db.insert(homeVisitors).values({ teamId, userId, firstOpenedAt: now }).onConflictDoNothing().returning({ userId: homeVisitors.userId });
  return rows.length === 1;
}

/** The workspace removed the app: nobody there sees its Home any more. */
export async function forgetHomeVisitors(db: Db, teamId: string): Promise<void> {
  await db.delete(homeVisitors).where(eq(homeVisitors.teamId, teamId));
}

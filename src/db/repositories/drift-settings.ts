import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { driftSettings } from '../schema/index.js';

export type DriftSettingsRow = typeof driftSettings.$inferSelect;

/** The project's drift settings row; undefined when it never changed a default. */
export async function findDriftSettings(db: Db, projectId: number): Promise<DriftSettingsRow | undefined> {
  const [row] = await db.select().from(driftSettings).where(eq(driftSettings.projectId, projectId));
  return row;
}

/**
 * The row (created with the defaults if missing), locked until the caller's transaction ends:
 * settings changes of one project apply one after the other, none lost.
 */
export async function lockDriftSettings(db: Db, projectId: number, teamId: string): Promise<DriftSettingsRow> {
  await db.insert(driftSettings).values({ projectId, teamId }).onConflictDoNothing();
  const [row] = await db.select().from(driftSettings).where(eq(driftSettings.projectId, projectId)).for('update');
  return row!;
}

/** Creates or updates the row; fields left out keep their value (or the column default on creation). */
export async function upsertDriftSettings(
  db: Db,
  s: { projectId: number; teamId: string; updatedBy: string; now: Date } & Partial<Pick<DriftSettingsRow, 'settings' | 'alertChannelId' | 'ackTimeoutMinutes' | 'replyIntervalMinutes'>>,
): Promise<DriftSettingsRow> {
  const { projectId, teamId, updatedBy, now, ...fields } = s;
  const set = { ...fields, updatedBy, updatedAt: now };
  const [row] = await db
    .insert(driftSettings)
    .values({ projectId, teamId, ...set })
    .onConflictDoUpdate({ target: driftSettings.projectId, set })
    .returning();
  return row!;
}

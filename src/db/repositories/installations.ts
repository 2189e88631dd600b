import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { installations } from '../schema/index.js';

export type InstallationRow = typeof installations.$inferSelect;

export async function saveInstallation(
  db: Db,
  i: { installKey: string; teamId?: string; enterpriseId?: string; botToken: string; botUserId?: string; botId?: string; installation: unknown; now: Date },
): Promise<void> {
  const values = { installKey: i.installKey, teamId: i.teamId ?? null, enterpriseId: i.enterpriseId ?? null, botToken: i.botToken, botUserId: i.botUserId ?? null, botId: i.botId ?? null, installation: i.installation, installedAt: i.now };
  await db.insert(installations).values(values).onConflictDoUpdate({ target: installations.installKey, set: values });
}

export async function findInstallation(db: Db, key: string): Promise<InstallationRow | undefined> {
  const [row] = await db.select().from(installations).where(eq(installations.installKey, key));
  return row;
}

export async function deleteInstallation(db: Db, key: string): Promise<void> {
  await db.delete(installations).where(or(eq(installations.installKey, key), eq(installations.teamId, key)));
}

export async function allInstallations(db: Db): Promise<InstallationRow[]> {
  return db.select().from(installations);
}

/** Replaces a row's token columns, only while its bot token is still `expectedBotToken` (compare-and-set). */
export async function resealInstallation(db: Db, key: string, expectedBotToken: string, values: { botToken: string; installation: unknown }): Promise<void> {
  await db.update(installations).set(values).where(and(eq(installations.installKey, key), eq(installations.botToken, expectedBotToken)));
}

import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { mlflowDeliveries, mlflowHooks, mlflowVersions } from '../schema/index.js';

export type MlflowHookRow = typeof mlflowHooks.$inferSelect;
export type MlflowVersionRow = typeof mlflowVersions.$inferSelect;

/** Sets the project's one hook, replacing an earlier one (its secret and public id with it). */
export async function replaceHook(db: Db, h: Omit<typeof mlflowHooks.$inferInsert, 'id'>): Promise<MlflowHookRow> {
  await db.delete(mlflowHooks).where(eq(mlflowHooks.projectId, h.projectId));
  const [row] = await db.insert(mlflowHooks).values(h).returning();
  return row!;
}

export async function hookOfProject(db: Db, teamId: string, projectId: number): Promise<MlflowHookRow | undefined> {
  const [row] = await db.select().from(mlflowHooks).where(and(eq(mlflowHooks.teamId, teamId), eq(mlflowHooks.projectId, projectId)));
  return row;
}

export async function hookByPublicId(db: Db, publicId: string): Promise<MlflowHookRow | undefined> {
  const [row] = await db.select().from(mlflowHooks).where(eq(mlflowHooks.publicId, publicId));
  return row;
}

export async function deleteHook(db: Db, teamId: string, projectId: number): Promise<boolean> {
  const rows = await db.delete(mlflowHooks).where(and(eq(mlflowHooks.teamId, teamId), eq(mlflowHooks.projectId, projectId))).returning({ id: mlflowHooks.id });
  return rows.length > 0;
}

/** True for the first claim of a delivery id; false when it was handled before (a retry). */
export async function claimDelivery(db: Db, deliveryId: string, hookId: number, now: Date): Promise<boolean> {
  const rows = await db.insert(mlflowDeliveries).values({ deliveryId, hookId, receivedAt: now }).onConflictDoNothing().returning({ id: mlflowDeliveries.deliveryId });
  return rows.length > 0;
}

export async function findVersion(db: Db, hookId: number, modelName: string, version: string): Promise<MlflowVersionRow | undefined> {
  const [row] = await db.select().from(mlflowVersions).where(and(eq(mlflowVersions.hookId, hookId), eq(mlflowVersions.modelName, modelName), eq(mlflowVersions.version, version)));
  return row;
}

export async function insertVersion(db: Db, v: MlflowVersionRow): Promise<void> {
  await db.insert(mlflowVersions).values(v).onConflictDoNothing();
}

export async function setVersionGate(db: Db, v: { hookId: number; modelName: string; version: string; gateId: number }): Promise<void> {
  await db
    .update(mlflowVersions)
    .set({ gateId: v.gateId })
    .where(and(eq(mlflowVersions.hookId, v.hookId), eq(mlflowVersions.modelName, v.modelName), eq(mlflowVersions.version, v.version)));
}

/** The model version a gate was opened for, if an MLflow alias opened it. */
export async function versionOfGate(db: Db, gateId: number): Promise<MlflowVersionRow | undefined> {
  const [row] = await db.select().from(mlflowVersions).where(eq(mlflowVersions.gateId, gateId));
  return row;
}

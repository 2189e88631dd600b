import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog } from '../schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;

export async function recordAudit(
  db: Db,
  entry: { teamId: string; projectId?: number | null; actorId: string; action: string; detail?: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, projectId: entry.projectId ?? null, detail: entry.detail ?? {} });
}

export async function auditForProject(db: Db, teamId: string, projectId: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(and(eq(auditLog.teamId, teamId), eq(auditLog.projectId, projectId))).orderBy(asc(auditLog.at), asc(auditLog.id));
}

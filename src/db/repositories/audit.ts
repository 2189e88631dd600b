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

/** Several entries in one statement (a batch of ballots). */
export async function recordAudits(db: Db, entries: { teamId: string; projectId?: number | null; actorId: string; action: string; detail?: Record<string, unknown>; at: Date }[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries.map((e) => ({ ...e, projectId: e.projectId ?? null, detail: e.detail ?? {} })));
}

export async function auditForProject(db: Db, teamId: string, projectId: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(and(eq(auditLog.teamId, teamId), eq(auditLog.projectId, projectId))).orderBy(asc(auditLog.at), asc(auditLog.id));
}

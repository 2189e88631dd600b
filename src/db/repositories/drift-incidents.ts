import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { driftIncidents, INCIDENT_STATUS, outbox, projects } from '../schema/index.js';

export type IncidentRow = typeof driftIncidents.$inferSelect;
export type IncidentStatus = (typeof INCIDENT_STATUS)[number];
/** An incident with the ts of its root message (null until Slack has it): the thread it lives in. */
export type IncidentWithRoot = IncidentRow & { rootTs: string | null };
export type OpenIncidentRow = IncidentWithRoot & { slug: string };

const UNRESOLVED = ne(driftIncidents.status, 'resolved');

/**
 * Opens an incident; null when the project already has an unresolved one (the partial unique
 * index `drift_incidents_one_unresolved`: a concurrent batch opened it first). ON CONFLICT DO
 * NOTHING keeps the caller's transaction usable either way.
 */
export async function insertIncident(
  db: Db,
  i: { teamId: string; projectId: number; channelId: string; severity: IncidentRow['severity']; batchId: number; lastReplyAt: Date | null; now: Date },
): Promise<IncidentRow | null> {
  const [row] = await db
    .insert(driftIncidents)
    .values({
      teamId: i.teamId,
      projectId: i.projectId,
      channelId: i.channelId,
      status: 'open',
      severity: i.severity,
      openedAt: i.now,
      firstBatchId: i.batchId,
      lastBatchId: i.batchId,
      lastReplyAt: i.lastReplyAt,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function setIncidentRoot(db: Db, id: number, rootOutboxId: number): Promise<void> {
  await db.update(driftIncidents).set({ rootOutboxId }).where(eq(driftIncidents.id, id));
}

/** The project's unresolved incident, locked until the caller's transaction ends (batches of one project queue here). */
export async function lockUnresolvedIncident(db: Db, projectId: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(driftIncidents).where(and(eq(driftIncidents.projectId, projectId), UNRESOLVED)).for('update');
  return row;
}

export async function lockIncident(db: Db, teamId: string, id: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(driftIncidents).where(and(eq(driftIncidents.teamId, teamId), eq(driftIncidents.id, id))).for('update');
  return row;
}

export async function unresolvedIncident(db: Db, projectId: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(driftIncidents).where(and(eq(driftIncidents.projectId, projectId), UNRESOLVED));
  return row;
}

const withRoot = { incident: driftIncidents, rootTs: outbox.ts };

export async function findIncident(db: Db, teamId: string, id: number): Promise<IncidentWithRoot | undefined> {
  const [row] = await db
    .select(withRoot)
    .from(driftIncidents)
    .leftJoin(outbox, eq(outbox.id, driftIncidents.rootOutboxId))
    .where(and(eq(driftIncidents.teamId, teamId), eq(driftIncidents.id, id)));
  return row ? { ...row.incident, rootTs: row.rootTs } : undefined;
}

/** Unresolved incidents of these projects, oldest first, with their project's slug and root ts. */
export async function openIncidentsOf(db: Db, teamId: string, projectIds: readonly number[]): Promise<OpenIncidentRow[]> {
  if (projectIds.length === 0) return [];
  const rows = await db
    .select({ ...withRoot, slug: projects.slug })
    .from(driftIncidents)
    .innerJoin(projects, eq(projects.id, driftIncidents.projectId))
    .leftJoin(outbox, eq(outbox.id, driftIncidents.rootOutboxId))
    .where(and(eq(driftIncidents.teamId, teamId), inArray(driftIncidents.projectId, [...projectIds]), UNRESOLVED))
    .orderBy(asc(driftIncidents.openedAt), asc(driftIncidents.id));
  return rows.map((r) => ({ ...r.incident, rootTs: r.rootTs, slug: r.slug }));
}

/** The project's last resolved incident, if any. */
export async function lastResolvedIncident(db: Db, projectId: number): Promise<IncidentWithRoot | undefined> {
  const [row] = await db
    .select(withRoot)
    .from(driftIncidents)
    .leftJoin(outbox, eq(outbox.id, driftIncidents.rootOutboxId))
    .where(and(eq(driftIncidents.projectId, projectId), eq(driftIncidents.status, 'resolved')))
    .orderBy(desc(driftIncidents.id))
    .limit(1);
  return row ? { ...row.incident, rootTs: row.rootTs } : undefined;
}

/**
 * Compare-and-set of an incident's state: changes it only if its status is still one of `from`.
 * Returns the updated row, or null when another click, timer or replica changed it first.
 */
export async function changeIncident(
  db: Db,
  id: number,
  from: readonly IncidentStatus[],
  set: Partial<Pick<IncidentRow, 'status' | 'changedBy' | 'changedAt' | 'snoozedUntil' | 'escalatedAt' | 'resolvedAt' | 'lastReplyAt' | 'skippedBatches' | 'skippedDrifted'>>,
  extra: { snoozedUntilAtMost?: Date; notEscalated?: boolean } = {},
): Promise<IncidentRow | null> {
  const conditions = [eq(driftIncidents.id, id), inArray(driftIncidents.status, [...from])];
  if (extra.snoozedUntilAtMost) conditions.push(sql`${driftIncidents.snoozedUntil} <= ${extra.snoozedUntilAtMost.toISOString()}::timestamptz`);
  if (extra.notEscalated) conditions.push(sql`${driftIncidents.escalatedAt} is null`);
  const [row] = await db
    .update(driftIncidents)
    .set(set)
    .where(and(...conditions))
    .returning();
  return row ?? null;
}

/** After a batch of an open incident (the row is locked by lockUnresolvedIncident). */
export async function recordFollowUp(
  db: Db,
  id: number,
  set: Pick<IncidentRow, 'lastBatchId' | 'severity' | 'lastReplyAt' | 'skippedBatches' | 'skippedDrifted'>,
): Promise<void> {
  await db.update(driftIncidents).set(set).where(eq(driftIncidents.id, id));
}

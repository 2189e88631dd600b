import { and, eq, exists, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog, intakes, outbox, projects } from '../schema/index.js';
import { createProject, type ProjectRow } from './projects.js';

export type IntakeRow = typeof intakes.$inferSelect;
export type IntakeStatus = IntakeRow['status'];

export interface AuditEntry {
  actorId: string;
  action: string;
  detail?: Record<string, unknown>;
}

/**
 * Creates the project (design phase, empty brief) and its intake conversation in one transaction;
 * null when the slug is taken in this workspace, and then nothing is written.
 */
export async function startIntake(
  db: Db,
  i: { teamId: string; slug: string; channelId: string; requesterId: string; participants: string[]; field: string; question: string; asked: Record<string, number>; now: Date },
): Promise<{ project: ProjectRow; intake: IntakeRow } | null> {
  return db.transaction(async (tx) => {
    const project = await createProject(tx, { teamId: i.teamId, slug: i.slug, channelId: i.channelId, ownerId: i.requesterId, brief: {}, now: i.now });
    if (!project) return null;
    const [intake] = await tx
      .insert(intakes)
      .values({
        teamId: i.teamId,
        projectId: project.id,
        channelId: i.channelId,
        requesterId: i.requesterId,
        participants: i.participants,
        currentField: i.field,
        currentQuestion: i.question,
        followUps: i.asked,
        lastActivityAt: i.now,
        createdAt: i.now,
      })
      .returning();
    await tx.insert(auditLog).values({ teamId: i.teamId, projectId: project.id, actorId: i.requesterId, action: 'intake.started', detail: { participants: i.participants }, at: i.now });
    return { project, intake: intake! };
  });
}

/** The dedupe key of an intake's thread root in the outbox: one root per intake. */
export const intakeRootKey = (intakeId: number) => `intake-root:${intakeId}`;

/**
 * The intake whose thread this is. Its root goes out through the outbox, so until someone first
 * replies the root's ts is known only there: an intake without a thread_ts yet is matched by its
 * root's outbox row (found by its dedupe key), and the ts is then stored on the intake.
 */
export async function findIntakeByThread(db: Db, teamId: string, channelId: string, threadTs: string): Promise<IntakeRow | undefined> {
  const rootPosted = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.dedupeKey, sql`'intake-root:' || ${intakes.id}`), eq(outbox.ts, threadTs)));
  const [row] = await db
    .select()
    .from(intakes)
    .where(and(eq(intakes.teamId, teamId), eq(intakes.channelId, channelId), or(eq(intakes.threadTs, threadTs), and(isNull(intakes.threadTs), exists(rootPosted)))));
  if (row && row.threadTs === null) {
    await db.update(intakes).set({ threadTs }).where(and(eq(intakes.id, row.id), isNull(intakes.threadTs)));
    return { ...row, threadTs };
  }
  return row;
}

export async function findIntakeByProject(db: Db, teamId: string, projectId: number): Promise<IntakeRow | undefined> {
  const [row] = await db.select().from(intakes).where(and(eq(intakes.teamId, teamId), eq(intakes.projectId, projectId)));
  return row;
}

export async function findIntake(db: Db, id: number): Promise<IntakeRow | undefined> {
  const [row] = await db.select().from(intakes).where(eq(intakes.id, id));
  return row;
}

export type IntakePatch = Partial<Pick<IntakeRow, 'participants' | 'status' | 'currentField' | 'currentQuestion' | 'followUps' | 'assessment' | 'lastActivityAt' | 'closedAt'>>;

/**
 * Applies one step of an open conversation if nobody else did first (compare-and-set on
 * `version`): the intake patch, the project's brief when it changed, and the audit entry, all or
 * nothing. Returns the updated row, or null when the intake moved on or closed meanwhile.
 */
export async function saveIntakeStep(
  db: Db,
  s: { intake: IntakeRow; patch: IntakePatch; brief?: unknown; audit?: AuditEntry; now: Date; also?: (tx: Db) => Promise<unknown> },
): Promise<IntakeRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(intakes)
      .set({ ...s.patch, version: sql`${intakes.version} + 1` })
      .where(and(eq(intakes.id, s.intake.id), eq(intakes.version, s.intake.version), eq(intakes.status, 'open')))
      .returning();
    if (!row) return null;
    if (s.brief !== undefined) {
      await tx
        .update(projects)
        .set({ brief: s.brief, briefVersion: sql`${projects.briefVersion} + 1`, briefUpdatedBy: s.audit?.actorId ?? null, updatedAt: s.now })
        .where(eq(projects.id, s.intake.projectId));
    }
    if (s.audit) await tx.insert(auditLog).values({ teamId: s.intake.teamId, projectId: s.intake.projectId, actorId: s.audit.actorId, action: s.audit.action, detail: s.audit.detail ?? {}, at: s.now });
    if (s.also) await s.also(tx);
    return row;
  });
}

/**
 * Replaces a project's brief (Edit brief) if it is still at `expectedVersion` (compare-and-set), in
 * the caller's transaction, bumping the version and recording who wrote it and which fields in the
 * audit log. False when someone else wrote the brief since that version: then nothing is written.
 */
export async function updateBrief(tx: Db, u: { teamId: string; projectId: number; expectedVersion: number; brief: unknown; audit: AuditEntry; now: Date }): Promise<boolean> {
  const rows = await tx
    .update(projects)
    .set({ brief: u.brief, briefVersion: sql`${projects.briefVersion} + 1`, briefUpdatedBy: u.audit.actorId, updatedAt: u.now })
    .where(and(eq(projects.teamId, u.teamId), eq(projects.id, u.projectId), eq(projects.briefVersion, u.expectedVersion)))
    .returning({ id: projects.id });
  if (rows.length === 0) return false;
  await tx.insert(auditLog).values({ teamId: u.teamId, projectId: u.projectId, actorId: u.audit.actorId, action: u.audit.action, detail: u.audit.detail ?? {}, at: u.now });
  return true;
}

/**
 * Locks the project row for the rest of the caller's transaction and tells whether its brief is
 * still at `expectedVersion`: an edit that writes no field of the brief (only a stakeholder
 * proposal) must still not be based on a brief someone changed meanwhile.
 */
export async function briefStillAt(tx: Db, teamId: string, projectId: number, expectedVersion: number): Promise<boolean> {
  const [row] = await tx
    .select({ version: projects.briefVersion })
    .from(projects)
    .where(and(eq(projects.teamId, teamId), eq(projects.id, projectId)))
    .for('update');
  return row?.version === expectedVersion;
}

/** Undoes a project whose intake never reached Slack (the root message could not be posted), so the slug is free again. */
export async function deleteUnstartedIntake(db: Db, teamId: string, projectId: number): Promise<void> {
  await db.delete(projects).where(and(eq(projects.teamId, teamId), eq(projects.id, projectId)));
}

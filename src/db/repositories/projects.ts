import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog, phaseChanges, projects } from '../schema/index.js';

export type ProjectRow = typeof projects.$inferSelect;
export type PhaseChangeRow = typeof phaseChanges.$inferSelect;
export type Phase = ProjectRow['phase'];

/** Postgres' unique_violation, the same code from pg and PGlite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export async function findProject(db: Db, teamId: string, slug: string): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(and(eq(projects.teamId, teamId), eq(projects.slug, slug)));
  return row;
}

export async function findProjectById(db: Db, teamId: string, id: number): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(and(eq(projects.teamId, teamId), eq(projects.id, id)));
  return row;
}

export async function listProjectsInChannel(db: Db, teamId: string, channelId: string): Promise<ProjectRow[]> {
  return db.select().from(projects).where(and(eq(projects.teamId, teamId), eq(projects.channelId, channelId))).orderBy(asc(projects.slug));
}

export async function listProjects(db: Db, teamId: string): Promise<ProjectRow[]> {
  return db.select().from(projects).where(eq(projects.teamId, teamId)).orderBy(asc(projects.slug));
}

/** Creates a project in the design phase with its first phase-history row; null when the slug is taken. */
export async function createProject(
  db: Db,
  p: { teamId: string; slug: string; channelId: string; ownerId: string; now: Date; brief?: unknown },
): Promise<ProjectRow | null> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(projects)
        .values({ teamId: p.teamId, slug: p.slug, channelId: p.channelId, ownerId: p.ownerId, phase: 'design', brief: p.brief ?? null, createdAt: p.now, updatedAt: p.now })
        .returning();
      await tx.insert(phaseChanges).values({ projectId: row!.id, fromPhase: null, toPhase: 'design', via: 'created', actorId: p.ownerId, at: p.now });
      await tx.insert(auditLog).values({ teamId: p.teamId, projectId: row!.id, actorId: p.ownerId, action: 'project.created', detail: { slug: p.slug, channelId: p.channelId }, at: p.now });
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export async function phaseHistory(db: Db, projectId: number): Promise<PhaseChangeRow[]> {
  return db.select().from(phaseChanges).where(eq(phaseChanges.projectId, projectId)).orderBy(asc(phaseChanges.at), asc(phaseChanges.id));
}

/**
 * The project row, locked until the transaction ends. Every phase move and every gate close takes
 * it 'move' (FOR NO KEY UPDATE) before touching any gate row, and opening a gate takes it 'open'
 * (FOR SHARE): so moves and closes on one project run one at a time (always project first, then
 * gates), and a gate being opened either commits before a move (which then sees and supersedes it)
 * or sees the moved phase. Not FOR UPDATE: a vote's audit insert references the project and takes
 * FOR KEY SHARE on it while holding its gate FOR SHARE; FOR UPDATE would block that key-share lock
 * and wait for the same gate — a deadlock. FOR NO KEY UPDATE lets key-share through.
 */
export async function lockProject(tx: Db, teamId: string, id: number, purpose: 'move' | 'open'): Promise<ProjectRow | undefined> {
  const [row] = await tx
    .select()
    .from(projects)
    .where(and(eq(projects.teamId, teamId), eq(projects.id, id)))
    .for(purpose === 'move' ? 'no key update' : 'share');
  return row;
}

/**
 * The phase change itself (compare-and-set: only if the project is still in `from`) and its history
 * row. Call it only through services/gates/move-phase.ts, which also supersedes the open gates.
 */
export async function updatePhase(tx: Db, m: { projectId: number; from: Phase; to: Phase; via: 'gate' | 'override'; gateId: number | null; actorId: string; now: Date }): Promise<boolean> {
  const rows = await tx
    .update(projects)
    .set({ phase: m.to, updatedAt: m.now })
    .where(and(eq(projects.id, m.projectId), eq(projects.phase, m.from)))
    .returning({ id: projects.id });
  if (rows.length === 0) return false;
  await tx.insert(phaseChanges).values({ projectId: m.projectId, fromPhase: m.from, toPhase: m.to, via: m.via, gateId: m.gateId, actorId: m.actorId, at: m.now });
  return true;
}

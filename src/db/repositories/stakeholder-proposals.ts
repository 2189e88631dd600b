import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { projects, stakeholderProposals } from '../schema/index.js';

export type ProposalRow = typeof stakeholderProposals.$inferSelect;

/** Records a proposal; an older pending one for the same project is superseded in the same transaction. */
export async function createProposal(db: Db, p: { teamId: string; projectId: number; proposedBy: string; stakeholders: string[]; now: Date }): Promise<ProposalRow> {
  return db.transaction(async (tx) => {
    await tx
      .update(stakeholderProposals)
      .set({ status: 'superseded', decidedAt: p.now })
      .where(and(eq(stakeholderProposals.projectId, p.projectId), eq(stakeholderProposals.status, 'pending')));
    const [row] = await tx.insert(stakeholderProposals).values({ ...p, createdAt: p.now }).returning();
    return row!;
  });
}

export async function findProposal(db: Db, teamId: string, id: number): Promise<ProposalRow | undefined> {
  const [row] = await db.select().from(stakeholderProposals).where(and(eq(stakeholderProposals.teamId, teamId), eq(stakeholderProposals.id, id)));
  return row;
}

/**
 * Compare-and-set out of `pending`; on confirm, the brief's stakeholders are replaced in the same
 * transaction. False when the proposal was already decided or superseded.
 */
export async function decideProposal(tx: Db, d: { proposal: ProposalRow; confirm: boolean; by: string; now: Date; brief?: unknown }): Promise<boolean> {
  const rows = await tx
    .update(stakeholderProposals)
    .set({ status: d.confirm ? 'confirmed' : 'declined', decidedBy: d.by, decidedAt: d.now })
    .where(and(eq(stakeholderProposals.id, d.proposal.id), eq(stakeholderProposals.status, 'pending')))
    .returning({ id: stakeholderProposals.id });
  if (rows.length === 0) return false;
  if (d.confirm) {
    // A new version of the brief: an Edit brief modal opened before the confirmation cannot overwrite it.
    await tx
      .update(projects)
      .set({ brief: d.brief, briefVersion: sql`${projects.briefVersion} + 1`, briefUpdatedBy: d.by, updatedAt: d.now })
      .where(and(eq(projects.teamId, d.proposal.teamId), eq(projects.id, d.proposal.projectId)));
  }
  return true;
}

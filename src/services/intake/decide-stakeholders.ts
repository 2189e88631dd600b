import type { Deps } from '../../deps.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { findIntakeByProject } from '../../db/repositories/intakes.js';
import { enqueue, findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import { briefPostKey } from './conversation.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { decideProposal, findProposal } from '../../db/repositories/stakeholder-proposals.js';
import { assertMay, stakeholdersOf } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { BriefDraft } from '../../domain/intake/brief.js';
import { designBriefMessage, type StakeholderProposalView } from '../../messages/intake.js';

export type ProposalDecision = { outcome: 'confirmed' | 'declined'; view: StakeholderProposalView } | { outcome: 'already_decided'; view: StakeholderProposalView };

/**
 * The owner confirms or declines a proposed stakeholder list. Only the owner may (a DomainError
 * says so to anyone else). Confirming replaces the brief's stakeholders, with its audit entry, in
 * one transaction, and queues the Design brief message's update; deciding twice changes nothing.
 */
export async function decideStakeholders(deps: Deps, c: { teamId: string; proposalId: number; userId: string; confirm: boolean }): Promise<ProposalDecision> {
  const proposal = await findProposal(deps.db, c.teamId, c.proposalId);
  const project = proposal ? await findProjectById(deps.db, c.teamId, proposal.projectId) : undefined;
  if (!proposal || !project) throw new DomainError('unknown_proposal', 'That proposal or its project no longer exists.');
  assertMay('manage', { userId: c.userId }, project);
  const draft = BriefDraft.safeParse(project.brief ?? {});
  const current = stakeholdersOf(project.brief);
  const view = (status?: 'confirmed' | 'declined' | 'superseded', by?: string | null): StakeholderProposalView => ({
    proposalId: proposal.id,
    slug: project.slug,
    proposedBy: proposal.proposedBy,
    current,
    proposed: proposal.stakeholders,
    ...(status ? { decided: { status, by } } : {}),
  });
  if (proposal.status !== 'pending') return { outcome: 'already_decided', view: view(proposal.status, proposal.decidedBy) };
  const now = deps.clock.now();
  const brief = { ...(draft.success ? draft.data : {}), stakeholders: proposal.stakeholders };
  const intake = await findIntakeByProject(deps.db, c.teamId, project.id);
  const decided = await deps.db.transaction(async (tx) => {
    if (!(await decideProposal(tx, { proposal, confirm: c.confirm, by: c.userId, now, brief }))) return false;
    await recordAudit(tx, {
      teamId: c.teamId,
      projectId: project.id,
      actorId: c.userId,
      action: c.confirm ? 'stakeholders.confirmed' : 'stakeholders.declined',
      detail: { proposalId: proposal.id, proposedBy: proposal.proposedBy, stakeholders: proposal.stakeholders },
      at: now,
    });
    // The Design brief message: by its ts when it was posted directly (older intakes), else by its outbox row.
    const briefRow = intake && !intake.briefTs ? await findOutboxByDedupeKey(tx, briefPostKey(intake.id)) : undefined;
    if (c.confirm && intake && (intake.briefTs || briefRow)) {
      const message = designBriefMessage({ slug: project.slug, projectId: project.id, brief, requesterId: intake.requesterId, assessment: intake.assessment, editedBy: c.userId });
      const target = intake.briefTs ? { ts: intake.briefTs } : { targetId: briefRow!.id };
      await enqueue(tx, { teamId: c.teamId, method: 'chat.update', channelId: intake.channelId, ...target, payload: message, dedupeKey: `stakeholders-confirmed:${proposal.id}`, now });
    }
    return true;
  });
  if (!decided) {
    const again = await findProposal(deps.db, c.teamId, c.proposalId);
    return { outcome: 'already_decided', view: view(again?.status === 'pending' ? undefined : again?.status, again?.decidedBy) };
  }
  deps.kickOutbox();
  return { outcome: c.confirm ? 'confirmed' : 'declined', view: view(c.confirm ? 'confirmed' : 'declined', c.userId) };
}

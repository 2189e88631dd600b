import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';
import { findIntakeByProject, type IntakeRow, updateBrief } from '../../db/repositories/intakes.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { may, mayEditBrief } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { Brief, type BriefField } from '../../domain/intake/brief.js';
import { type BriefEditInput, editBrief } from '../../domain/intake/edit.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { createProposal } from '../../db/repositories/stakeholder-proposals.js';
import { designBriefMessage, stakeholderProposalMessage } from '../../messages/intake.js';

interface Editable {
  project: ProjectRow;
  intake: IntakeRow | undefined;
  brief: Brief;
}

/** The brief as saved now, for someone who may edit it; a DomainError that says why not otherwise. */
export async function briefForEditing(deps: Deps, teamId: string, projectId: number, userId: string): Promise<Editable> {
  const project = await findProjectById(deps.db, teamId, projectId);
  const brief = Brief.safeParse(project?.brief);
  if (!project || !brief.success) throw new DomainError('no_brief', 'This brief is not complete or no longer exists, so there is nothing to edit.');
  const intake = await findIntakeByProject(deps.db, teamId, project.id);
  if (!mayEditBrief(userId, project, intake?.participants ?? [])) {
    throw new DomainError('not_allowed', `Only the project owner <@${project.ownerId}>, the people in its intake and its stakeholders can edit this brief.`);
  }
  return { project, intake, brief: brief.data };
}

export type BriefEditResult = { ok: true; changed: BriefField[]; editable: Editable; brief: Brief } | { ok: false; errors: Partial<Record<BriefField, string>> };

/**
 * Validates an Edit brief submission with the intake's own rules. Nothing is written here, so
 * field errors can still be shown inline; the caller saves with `saveBriefEdit` before the modal
 * closes.
 */
export async function checkBriefEdit(deps: Deps, teamId: string, projectId: number, userId: string, input: BriefEditInput): Promise<BriefEditResult> {
  const editable = await briefForEditing(deps, teamId, projectId, userId);
  const outcome = editBrief(editable.brief, input);
  if (!outcome.ok) return outcome;
  return { ok: true, changed: outcome.changed, editable, brief: outcome.brief };
}

type CheckedEdit = Extract<BriefEditResult, { ok: true }>;

export interface SavedEdit {
  /** The brief as saved: a stakeholder change by someone else than the owner is not in it yet. */
  brief: Brief;
  fields: BriefField[];
  /** Set when the stakeholder list went to the owner as a proposal instead. */
  proposalId: number | null;
}

/**
 * Saves a checked edit with its audit entry; called before the modal closes, so a closed modal
 * means saved. The stakeholder list is the owner's to change (PRODUCT §2): from anyone else, the
 * new list becomes a proposal that the owner confirms or declines in a direct message, and the
 * rest of the edit is saved as usual.
 */
export async function saveBriefEdit(deps: Deps, edit: CheckedEdit, userId: string): Promise<SavedEdit> {
  const { project } = edit.editable;
  const now = deps.clock.now();
  const proposes = edit.changed.includes('stakeholders') && !may('manage', { userId }, project);
  const brief: Brief = proposes ? { ...edit.brief, stakeholders: edit.editable.brief.stakeholders } : edit.brief;
  const fields = proposes ? edit.changed.filter((f) => f !== 'stakeholders') : edit.changed;
  // The owner's direct message channel is opened before the transaction: opening it posts nothing.
  const ownerDm = proposes ? await openDm(deps, project.teamId, project.ownerId) : null;
  let proposalId: number | null = null;
  await deps.db.transaction(async (tx) => {
    if (fields.length > 0) await updateBrief(tx, { teamId: project.teamId, projectId: project.id, brief, audit: { actorId: userId, action: 'brief.edited', detail: { fields } }, now });
    if (!proposes) return;
    const proposal = await createProposal(tx, { teamId: project.teamId, projectId: project.id, proposedBy: userId, stakeholders: edit.brief.stakeholders, now });
    proposalId = proposal.id;
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: userId, action: 'stakeholders.proposed', detail: { proposalId, stakeholders: proposal.stakeholders }, at: now });
    const message = stakeholderProposalMessage({ proposalId, slug: project.slug, proposedBy: userId, current: edit.editable.brief.stakeholders, proposed: proposal.stakeholders });
    await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: ownerDm!, payload: message, dedupeKey: `stakeholder-proposal:${proposalId}`, now });
  });
  if (proposalId !== null) deps.kickOutbox();
  return { brief, fields, proposalId };
}

async function openDm(deps: Deps, teamId: string, userId: string): Promise<string> {
  const client = await deps.slack.forTeam(teamId);
  const im = await client.conversations.open({ users: userId });
  if (!im.channel?.id) throw new Error(`conversations.open gave no channel for ${userId}`);
  return im.channel.id;
}

/** Updates the Design brief message an edit came from, to the brief as saved. */
export async function showBriefEdit(client: WebClient, edit: CheckedEdit, saved: SavedEdit, by: { userId: string; channelId: string; ts: string }): Promise<void> {
  if (saved.fields.length === 0) return;
  const { project, intake } = edit.editable;
  await client.chat.update({
    channel: by.channelId,
    ts: by.ts,
    ...designBriefMessage({ slug: project.slug, projectId: project.id, brief: saved.brief, requesterId: intake?.requesterId ?? project.ownerId, assessment: intake?.assessment, editedBy: by.userId }),
  });
}

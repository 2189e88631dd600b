import type { Deps } from '../../deps.js';
import { briefStillAt, findIntakeByProject, type IntakeRow, updateBrief } from '../../db/repositories/intakes.js';
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

/** The brief was written by someone else after the modal was opened on `version`. */
export interface StaleBrief {
  ok: false;
  stale: true;
  /** How to name who wrote it, for the modal's error (plain text, so a name rather than a mention). */
  by: string;
}

export type BriefEditResult = { ok: true; changed: BriefField[]; editable: Editable; brief: Brief } | { ok: false; stale?: false; errors: Partial<Record<BriefField, string>> } | StaleBrief;

/**
 * Validates an Edit brief submission with the intake's own rules, against the brief as it is now.
 * Nothing is written here, so field errors can still be shown inline; the caller saves with
 * `saveBriefEdit` before the modal closes. A modal opened on an older version of the brief is
 * refused before its fields are even read: its edit was made on what its author no longer sees.
 */
export async function checkBriefEdit(deps: Deps, teamId: string, projectId: number, userId: string, version: number, input: BriefEditInput): Promise<BriefEditResult> {
  const editable = await briefForEditing(deps, teamId, projectId, userId);
  if (editable.project.briefVersion !== version) return staleBrief(deps, editable.project, userId);
  const outcome = editBrief(editable.brief, input);
  if (!outcome.ok) return outcome;
  return { ok: true, changed: outcome.changed, editable, brief: outcome.brief };
}

type CheckedEdit = Extract<BriefEditResult, { ok: true }>;

export interface SavedEdit {
  ok: true;
  /** The brief as saved: a stakeholder change by someone else than the owner is not in it yet. */
  brief: Brief;
  fields: BriefField[];
  /** Set when the stakeholder list went to the owner as a proposal instead. */
  proposalId: number | null;
  ownerId: string;
}

/**
 * Saves a checked edit, on the version of the brief the modal was opened on, with its audit entry
 * and the update of the Design brief message it came from (through the outbox), all in one
 * transaction; called before the modal closes, so a closed modal means saved and shown. When
 * someone else saved the brief since that version (a concurrent edit that committed first),
 * nothing is written and the result says who.
 *
 * The stakeholder list is the owner's to change (PRODUCT §2): from anyone else, the new list
 * becomes a proposal that the owner confirms or declines in a direct message, and the rest of the
 * edit is saved as usual.
 */
export async function saveBriefEdit(
  deps: Deps,
  edit: CheckedEdit,
  userId: string,
  opened: { version: number; channelId: string; ts: string },
): Promise<SavedEdit | StaleBrief> {
  const { project, intake } = edit.editable;
  const now = deps.clock.now();
  const proposes = edit.changed.includes('stakeholders') && !may('manage', { userId }, project);
  const brief: Brief = proposes ? { ...edit.brief, stakeholders: edit.editable.brief.stakeholders } : edit.brief;
  const fields = proposes ? edit.changed.filter((f) => f !== 'stakeholders') : edit.changed;
  // The owner's direct message channel is opened before the transaction: opening it posts nothing.
  const ownerDm = proposes ? await openDm(deps, project.teamId, project.ownerId) : null;
  let proposalId: number | null = null;
  const saved = await deps.db.transaction(async (tx) => {
    const audit = { actorId: userId, action: 'brief.edited', detail: { fields } };
    // Compare-and-set on the version: of two edits opened on the same version, the first to commit wins.
    const current = fields.length > 0 ? await updateBrief(tx, { teamId: project.teamId, projectId: project.id, expectedVersion: opened.version, brief, audit, now }) : await briefStillAt(tx, project.teamId, project.id, opened.version);
    if (!current) return false;
    if (fields.length > 0) {
      const message = designBriefMessage({ slug: project.slug, projectId: project.id, brief, requesterId: intake?.requesterId ?? project.ownerId, assessment: intake?.assessment, editedBy: userId });
      await enqueue(tx, { teamId: project.teamId, method: 'chat.update', channelId: opened.channelId, ts: opened.ts, payload: message, now });
    }
    if (!proposes) return true;
    const proposal = await createProposal(tx, { teamId: project.teamId, projectId: project.id, proposedBy: userId, stakeholders: edit.brief.stakeholders, now });
    proposalId = proposal.id;
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: userId, action: 'stakeholders.proposed', detail: { proposalId, stakeholders: proposal.stakeholders }, at: now });
    const message = stakeholderProposalMessage({ proposalId, slug: project.slug, proposedBy: userId, current: edit.editable.brief.stakeholders, proposed: proposal.stakeholders });
    await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: ownerDm!, payload: message, dedupeKey: `stakeholder-proposal:${proposalId}`, now });
    return true;
  });
  if (!saved) {
    const latest = await findProjectById(deps.db, project.teamId, project.id);
    return staleBrief(deps, latest ?? project, userId);
  }
  deps.kickOutbox();
  return { ok: true, brief, fields, proposalId, ownerId: project.ownerId };
}

/** "Who changed it", by name: a modal's error is plain text, where a mention would show as <@U…>. */
async function staleBrief(deps: Deps, project: ProjectRow, userId: string): Promise<StaleBrief> {
  const by = project.briefUpdatedBy;
  if (by === userId) return { ok: false, stale: true, by: 'You' };
  if (!by) return { ok: false, stale: true, by: 'Someone' };
  try {
    const client = await deps.slack.forTeam(project.teamId);
    const info = await client.users.info({ user: by });
    const name = info.user?.profile?.display_name || info.user?.real_name || info.user?.name;
    return { ok: false, stale: true, by: name ? name : 'Someone' };
  } catch (err) {
    deps.log.warn(`could not look up ${by} for a stale brief edit`, (err as Error).message);
    return { ok: false, stale: true, by: 'Someone' };
  }
}

async function openDm(deps: Deps, teamId: string, userId: string): Promise<string> {
  const client = await deps.slack.forTeam(teamId);
  const im = await client.conversations.open({ users: userId });
  if (!im.channel?.id) throw new Error(`conversations.open gave no channel for ${userId}`);
  return im.channel.id;
}

/** What the Edit brief modal shows when its version is no longer the brief's. */
export function staleBriefError(stale: StaleBrief): string {
  if (stale.by === 'You') return 'You changed the brief in another window while this one was open; reopen Edit brief to see those changes. Nothing was saved.';
  return `${stale.by} changed the brief while you were editing; reopen Edit brief to see their changes. Nothing was saved.`;
}

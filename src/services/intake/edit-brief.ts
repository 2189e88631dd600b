import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';
import { findIntakeByProject, type IntakeRow, updateBrief } from '../../db/repositories/intakes.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { mayEditBrief } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { Brief, type BriefField } from '../../domain/intake/brief.js';
import { type BriefEditInput, editBrief } from '../../domain/intake/edit.js';
import { designBriefMessage } from '../../messages/intake.js';

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

/** Saves a checked edit with its audit entry; called before the modal closes, so a closed modal means saved. */
export async function saveBriefEdit(deps: Deps, edit: CheckedEdit, userId: string): Promise<void> {
  if (edit.changed.length === 0) return;
  const { project } = edit.editable;
  await updateBrief(deps.db, { teamId: project.teamId, projectId: project.id, brief: edit.brief, audit: { actorId: userId, action: 'brief.edited', detail: { fields: edit.changed } }, now: deps.clock.now() });
}

/** Updates the Design brief message an edit came from. */
export async function showBriefEdit(client: WebClient, edit: CheckedEdit, by: { userId: string; channelId: string; ts: string }): Promise<void> {
  if (edit.changed.length === 0) return;
  const { project, intake } = edit.editable;
  await client.chat.update({
    channel: by.channelId,
    ts: by.ts,
    ...designBriefMessage({ slug: project.slug, projectId: project.id, brief: edit.brief, requesterId: intake?.requesterId ?? project.ownerId, assessment: intake?.assessment, editedBy: by.userId }),
  });
}

import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { findIntakeByProject, updateBrief } from '../../../db/repositories/intakes.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { Brief, BRIEF_FIELDS } from '../../../domain/intake/brief.js';
import { type BriefEditInput, editBrief } from '../../../domain/intake/edit.js';
import { briefBlockId, INTAKE_IDS } from '../../../messages/ids/intake.js';
import { designBriefMessage } from '../../../messages/intake.js';
import { mayEditBrief } from '../../../domain/access.js';
import { BriefModalMeta, BriefModalSubmission } from './payloads.js';

/**
 * The Edit brief modal was submitted: every field is checked with the intake's own rules; problems
 * come back next to their inputs (Slack's `errors` response) and nothing is saved. A valid edit
 * replaces the brief, is audited with who made it, and updates the Design brief message.
 */
export function briefSubmitted(deps: Deps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const sub = BriefModalSubmission.safeParse(body);
    const meta = sub.success ? BriefModalMeta.safeParse(parseJson(sub.data.view.private_metadata)) : null;
    const firstBlock = briefBlockId(BRIEF_FIELDS[0]);
    if (!sub.success || !meta?.success) {
      await ack({ response_action: 'errors', errors: { [firstBlock]: 'This form could not be read; close it and click Edit brief again.' } });
      return;
    }
    const { user, view } = sub.data;
    const teamId = sub.data.team?.id ?? user.team_id ?? '';
    const project = await findProjectById(deps.db, teamId, meta.data.projectId);
    const current = Brief.safeParse(project?.brief);
    const intake = project ? await findIntakeByProject(deps.db, teamId, project.id) : undefined;
    if (!project || !current.success || !mayEditBrief(user.id, project, intake, current.data)) {
      await ack({ response_action: 'errors', errors: { [firstBlock]: 'You cannot edit this brief (it is gone, or you are not its owner, a participant or a stakeholder).' } });
      return;
    }
    const value = (field: string) => view.state.values[briefBlockId(field)]?.[INTAKE_IDS.input];
    const input = Object.fromEntries(BRIEF_FIELDS.map((f) => [f, f === 'stakeholders' ? (value(f)?.selected_users ?? []) : (value(f)?.value ?? '')])) as unknown as BriefEditInput;
    const outcome = editBrief(current.data, input);
    if (!outcome.ok) {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(outcome.errors).map(([f, msg]) => [briefBlockId(f), msg])) });
      return;
    }
    await ack();
    if (outcome.changed.length === 0) return;
    const now = deps.clock.now();
    await updateBrief(deps.db, { teamId, projectId: project.id, brief: outcome.brief, audit: { actorId: user.id, action: 'brief.edited', detail: { fields: outcome.changed } }, now });
    await client.chat.update({
      channel: meta.data.channelId,
      ts: meta.data.ts,
      ...designBriefMessage({ slug: project.slug, projectId: project.id, brief: outcome.brief, requesterId: intake?.requesterId ?? project.ownerId, assessment: intake?.assessment, editedBy: user.id }),
    });
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

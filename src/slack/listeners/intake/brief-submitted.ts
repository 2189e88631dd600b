import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { BRIEF_FIELDS } from '../../../domain/intake/brief.js';
import type { BriefEditInput } from '../../../domain/intake/edit.js';
import { briefBlockId, INTAKE_IDS } from '../../../messages/ids/intake.js';
import { checkBriefEdit, saveBriefEdit, showBriefEdit } from '../../../services/intake/edit-brief.js';
import { tellUser } from '../tell-user.js';
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
    const value = (field: string) => view.state.values[briefBlockId(field)]?.[INTAKE_IDS.input];
    const input = Object.fromEntries(BRIEF_FIELDS.map((f) => [f, f === 'stakeholders' ? (value(f)?.selected_users ?? []) : (value(f)?.value ?? '')])) as unknown as BriefEditInput;
    let checked: Awaited<ReturnType<typeof checkBriefEdit>>;
    try {
      checked = await checkBriefEdit(deps, teamId, meta.data.projectId, user.id, input);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_action: 'errors', errors: { [firstBlock]: err.message } });
      return;
    }
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(checked.errors).map(([f, msg]) => [briefBlockId(f), msg])) });
      return;
    }
    const saved = await saveBriefEdit(deps, checked, user.id);
    await ack();
    await showBriefEdit(client, checked, saved, { userId: user.id, channelId: meta.data.channelId, ts: meta.data.ts });
    if (saved.proposalId !== null) {
      const owner = checked.editable.project.ownerId;
      await tellUser(deps, client, meta.data.channelId, user.id, `Only the project owner changes the stakeholders, so your new list went to <@${owner}> to confirm; the rest of your edit is saved.`);
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { BRIEF_FIELDS } from '../../../domain/intake/brief.js';
import type { BriefEditInput } from '../../../domain/intake/edit.js';
import { briefBlockId, INTAKE_IDS } from '../../../messages/ids/intake.js';
import { checkBriefEdit, saveBriefEdit, staleBriefError } from '../../../services/intake/edit-brief.js';
import { tellUser } from '../tell-user.js';
import { BriefModalMeta, BriefModalSubmission } from './payloads.js';

/**
 * The Edit brief modal was submitted: every field is checked with the intake's own rules; problems
 * come back next to their inputs (Slack's `errors` response) and nothing is saved. A valid edit is
 * saved — the brief, its audit entry and the update of the Design brief message, in one
 * transaction — and only then is the modal closed, so a closed modal means saved. A modal opened
 * on a brief someone changed since, or a save that fails, stays open with the reason, and nothing
 * is written.
 */
export function briefSubmitted(deps: Deps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const sub = BriefModalSubmission.safeParse(body);
    const meta = sub.success ? BriefModalMeta.safeParse(parseJson(sub.data.view.private_metadata)) : null;
    const firstBlock = briefBlockId(BRIEF_FIELDS[0]);
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [firstBlock]: message } });
    if (!sub.success || !meta?.success) {
      await refuse('This form could not be read; close it and click Edit brief again.');
      return;
    }
    const { user, view } = sub.data;
    const teamId = sub.data.team?.id ?? user.team_id ?? '';
    const value = (field: string) => view.state.values[briefBlockId(field)]?.[INTAKE_IDS.input];
    const input = Object.fromEntries(BRIEF_FIELDS.map((f) => [f, f === 'stakeholders' ? (value(f)?.selected_users ?? []) : (value(f)?.value ?? '')])) as unknown as BriefEditInput;
    let outcome: Awaited<ReturnType<typeof saveBriefEdit>>;
    try {
      const checked = await checkBriefEdit(deps, teamId, meta.data.projectId, user.id, meta.data.version, input);
      if (!checked.ok) {
        if (checked.stale) await refuse(staleBriefError(checked));
        else await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(checked.errors).map(([f, msg]) => [briefBlockId(f), msg])) });
        return;
      }
      outcome = await saveBriefEdit(deps, checked, user.id, meta.data);
    } catch (err) {
      if (err instanceof DomainError) {
        await refuse(err.message);
        return;
      }
      // The transaction rolled back: nothing of the edit is saved, and the modal stays open to try again.
      deps.log.error('saving a brief edit failed', err);
      await refuse('Your edit could not be saved, and nothing was changed. Try Save again in a moment.');
      return;
    }
    if (!outcome.ok) {
      await refuse(staleBriefError(outcome));
      return;
    }
    await ack();
    if (outcome.proposalId !== null) {
      await tellUser(deps, client, meta.data.channelId, user.id, `Only the project owner changes the stakeholders, so your new list went to <@${outcome.ownerId}> to confirm; the rest of your edit is saved.`);
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

import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { editBriefModal } from '../../../messages/intake.js';
import { briefForEditing } from '../../../services/intake/edit-brief.js';
import { tellUser } from '../tell-user.js';
import { BriefButtonClick } from './payloads.js';

/** Edit brief: opens the modal prefilled with the brief as saved now (not as the message shows it). */
export function editBriefClicked(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = BriefButtonClick.safeParse(body);
    if (!click.success) return;
    const c = click.data;
    const teamId = c.team?.id ?? c.user.team_id ?? '';
    try {
      const { project, brief } = await briefForEditing(deps, teamId, Number(c.actions[0]!.value), c.user.id);
      await client.views.open({ trigger_id: c.trigger_id, view: editBriefModal(brief, { projectId: project.id, channelId: c.container.channel_id, ts: c.container.message_ts, version: project.briefVersion }) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellUser(deps, client, c.container.channel_id, c.user.id, err.message, c.container.thread_ts);
    }
  };
}

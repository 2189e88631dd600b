import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { findIntakeByProject } from '../../../db/repositories/intakes.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { Brief } from '../../../domain/intake/brief.js';
import { editBriefModal } from '../../../messages/intake.js';
import { mayEditBrief } from '../../../domain/access.js';
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
    const tell = (text: string) => tellUser(deps, client, c.container.channel_id, c.user.id, text, c.container.thread_ts);
    const project = await findProjectById(deps.db, teamId, Number(c.actions[0]!.value));
    const brief = Brief.safeParse(project?.brief);
    if (!project || !brief.success) {
      await tell('This brief is not complete or no longer exists, so there is nothing to edit.');
      return;
    }
    const intake = await findIntakeByProject(deps.db, teamId, project.id);
    if (!mayEditBrief(c.user.id, project, intake, brief.data)) {
      await tell(`Only the project owner <@${project.ownerId}>, the people in its intake and its stakeholders can edit this brief.`);
      return;
    }
    await client.views.open({ trigger_id: c.trigger_id, view: editBriefModal(brief.data, { projectId: project.id, channelId: c.container.channel_id, ts: c.container.message_ts }) as never });
  };
}

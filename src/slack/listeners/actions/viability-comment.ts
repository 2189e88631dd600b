import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { findCheckin, findResponse } from '../../../db/repositories/viability.js';
import { closedText, commentModal } from '../../../messages/viability.js';
import { ButtonClick } from './viability-answer.js';

/** Add comment: opens the modal (answer + comment), prefilled with what the person gave so far. */
export function viabilityComment(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = ButtonClick.safeParse(body);
    if (!click.success) return;
    const { team, user, channel, trigger_id } = click.data;
    const checkin = await findCheckin(deps.db, team.id, Number(click.data.actions[0]!.value));
    if (!checkin) return;
    if (checkin.closedAt || checkin.closesAt <= deps.clock.now()) {
      await client.chat.postEphemeral({ channel: channel.id, user: user.id, text: closedText(checkin.closesAt) });
      return;
    }
    const project = await findProjectById(deps.db, team.id, checkin.projectId);
    const mine = await findResponse(deps.db, checkin.id, user.id);
    await client.views.open({ trigger_id, view: commentModal({ slug: project?.slug ?? '', checkinId: checkin.id, answer: mine?.answer, comment: mine?.comment }) as never });
  };
}

import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { closedText, commentModal } from '../../../messages/viability.js';
import { commentFormFor } from '../../../services/viability/comment-form.js';
import { tellUser } from '../tell-user.js';
import { ButtonClick } from './viability-answer.js';

/** Add comment: opens the modal (answer + comment), prefilled with what the person gave so far. */
export function viabilityComment(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = ButtonClick.safeParse(body);
    if (!click.success) return;
    const { team, user, channel, trigger_id } = click.data;
    let form: Awaited<ReturnType<typeof commentFormFor>>;
    try {
      form = await commentFormFor(deps, team.id, Number(click.data.actions[0]!.value), user.id);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellUser(deps, client, channel.id, user.id, `:no_entry_sign: ${err.message}`);
      return;
    }
    if (form.kind === 'gone') return;
    if (form.kind === 'closed') {
      await tellUser(deps, client, channel.id, user.id, closedText(form.closesAt));
      return;
    }
    await client.views.open({ trigger_id, view: commentModal({ slug: form.slug, checkinId: form.checkinId, answer: form.answer, comment: form.comment }) });
  };
}

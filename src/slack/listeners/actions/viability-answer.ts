import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { parseAnswerActionId } from '../../../messages/ids/viability.js';
import { answeredText, closedText } from '../../../messages/viability.js';
import { answerCheckin } from '../../../services/viability/answer.js';
import { tellUser } from '../tell-user.js';

export const ButtonClick = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().default(''),
  container: z.object({ thread_ts: z.string().optional() }).passthrough().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d+$/) })).min(1),
});

/** On track / At risk / Not viable: records (or changes) the person's answer and refreshes the tally. */
export function viabilityAnswer(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = ButtonClick.safeParse(body);
    const action = click.success ? click.data.actions[0]! : undefined;
    const answer = action ? parseAnswerActionId(action.action_id) : null;
    if (!click.success || !action || !answer) return;
    const { team, user, channel } = click.data;
    let outcome: Awaited<ReturnType<typeof answerCheckin>>;
    try {
      outcome = await answerCheckin(deps, { teamId: team.id, checkinId: Number(action.value), userId: user.id, answer });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellUser(deps, client, channel.id, user.id, `:no_entry_sign: ${err.message}`);
      return;
    }
    const text = outcome.ok
      ? answeredText(answer, outcome.checkin.closesAt)
      : outcome.reason === 'closed' && outcome.checkin
        ? closedText(outcome.checkin.closesAt)
        : 'That check-in no longer exists.';
    await tellUser(deps, client, channel.id, user.id, text);
  };
}

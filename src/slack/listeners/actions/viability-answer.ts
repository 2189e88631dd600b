import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { parseAnswerActionId } from '../../../messages/ids/viability.js';
import { answeredText, closedText } from '../../../messages/viability.js';
import { answerCheckin } from '../../../services/viability/answer.js';
import { answerClick, clickPlace } from '../tell-user.js';
import { homeClicked } from '../../../services/projects/home-refresh.js';

export const ButtonClick = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().default(''),
  container: z.object({ thread_ts: z.string().optional() }).passthrough().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d+$/) })).min(1),
});

/** An answer click: on the check-in message, or in the App Home (no channel there). */
const AnswerClick = ButtonClick.extend({ channel: z.object({ id: z.string().min(1) }).optional() });

/**
 * On track / At risk / Not viable: records (or changes) the person's answer and refreshes the tally.
 * The same from the check-in message and from the App Home; from Home, the redrawn Home (the
 * check-in gone from "waiting for your answer") is the confirmation and a refusal opens a small modal.
 */
export function viabilityAnswer(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = AnswerClick.safeParse(body);
    const action = click.success ? click.data.actions[0]! : undefined;
    const answer = action ? parseAnswerActionId(action.action_id) : null;
    if (!click.success || !action || !answer) return;
    const { team, user } = click.data;
    const place = clickPlace(body);
    let outcome: Awaited<ReturnType<typeof answerCheckin>>;
    try {
      outcome = await answerCheckin(deps, { teamId: team.id, checkinId: Number(action.value), userId: user.id, answer });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await answerClick(deps, client, place, user.id, `:no_entry_sign: ${err.message}`, 'refusal');
      if (place.home) await homeClicked(deps, team.id, user.id, { redraw: true });
      return;
    }
    if (outcome.ok) await answerClick(deps, client, place, user.id, answeredText(answer, outcome.checkin.closesAt), 'confirmation');
    else await answerClick(deps, client, place, user.id, outcome.reason === 'closed' && outcome.checkin ? closedText(outcome.checkin.closesAt) : 'That check-in no longer exists.', 'refusal');
    if (place.home) await homeClicked(deps, team.id, user.id, { redraw: !outcome.ok });
  };
}

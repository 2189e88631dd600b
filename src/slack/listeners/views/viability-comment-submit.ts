import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { VIABILITY_ANSWERS } from '../../../domain/viability/answers.js';
import { answerCheckin } from '../../../services/viability/answer.js';
import { VIABILITY_IDS } from '../../../messages/ids/viability.js';
import { closedPlainText } from '../../../messages/viability.js';

const Submission = z.object({
  team: z.object({ id: z.string().min(1) }).nullable(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({
      values: z.object({
        [VIABILITY_IDS.answerInput]: z.object({ [VIABILITY_IDS.answerInput]: z.object({ selected_option: z.object({ value: z.enum(VIABILITY_ANSWERS) }).nullable() }) }),
        [VIABILITY_IDS.commentInput]: z.object({ [VIABILITY_IDS.commentInput]: z.object({ value: z.string().max(2000).nullable().optional() }) }).optional(),
      }),
    }),
  }),
});
const Metadata = z.object({ checkinId: z.number().int().positive() });

/** Saves the answer and comment from the modal; a closed check-in is refused inside the modal. */
export function viabilityCommentSubmit(deps: Deps) {
  return async ({ ack, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = Submission.safeParse(body);
    const meta = parsed.success ? Metadata.safeParse(JSON.parse(parsed.data.view.private_metadata || '{}')) : undefined;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'errors', errors: { [VIABILITY_IDS.answerInput]: 'That form was malformed; please try again.' } });
      return;
    }
    const values = parsed.data.view.state.values;
    const answer = values[VIABILITY_IDS.answerInput][VIABILITY_IDS.answerInput].selected_option?.value;
    if (!answer) {
      await ack({ response_action: 'errors', errors: { [VIABILITY_IDS.answerInput]: 'Choose On track, At risk or Not viable.' } });
      return;
    }
    const comment = values[VIABILITY_IDS.commentInput]?.[VIABILITY_IDS.commentInput].value?.trim() || null;
    const teamId = parsed.data.team?.id ?? parsed.data.user.team_id ?? '';
    let outcome: Awaited<ReturnType<typeof answerCheckin>>;
    try {
      outcome = await answerCheckin(deps, { teamId, checkinId: meta.data.checkinId, userId: parsed.data.user.id, answer, comment });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_action: 'errors', errors: { [VIABILITY_IDS.answerInput]: err.message } });
      return;
    }
    if (!outcome.ok) {
      const text = outcome.reason === 'closed' && outcome.checkin ? closedPlainText(outcome.checkin.closesAt) : 'That check-in no longer exists.';
      await ack({ response_action: 'errors', errors: { [VIABILITY_IDS.commentInput]: text } });
      return;
    }
    await ack();
  };
}

import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { castVote, finishVote } from '../../../services/gates/cast-vote.js';
import { voteConfirmation } from '../../../messages/gate.js';
import { NOGO_REASON_ACTION, NOGO_REASON_BLOCK, NoGoMetadata } from '../../../messages/ids/gate.js';
import { tellUser } from '../tell-user.js';
import { homeClicked } from '../../../services/projects/home-refresh.js';

const Submission = z.object({
  team: z.object({ id: z.string().min(1) }).nullable(),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string().transform((s, ctx) => {
      try {
        return NoGoMetadata.parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'bad private_metadata' });
        return z.NEVER;
      }
    }),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).loose())) }),
  }),
});

/** The No-go modal's submission: a reason is required; refusals are shown inline on the reason field. */
export function noGoSubmitted(deps: Deps) {
  return async ({ ack, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = Submission.safeParse(body);
    if (!parsed.success || !parsed.data.team) {
      await ack({ response_action: 'errors', errors: { [NOGO_REASON_BLOCK]: 'This form was malformed; please close it and click No-go again.' } });
      return;
    }
    const { team, user, view } = parsed.data;
    const reason = view.state.values[NOGO_REASON_BLOCK]?.[NOGO_REASON_ACTION]?.value ?? '';
    const now = deps.clock.now();
    let voted: Awaited<ReturnType<typeof castVote>>;
    try {
      voted = await castVote(deps, { teamId: team!.id, gateId: view.private_metadata.gateId, userId: user.id, vote: 'no_go', reason }, now);
    } catch (err) {
      if (!(err instanceof DomainError)) deps.log.error('No-go vote failed', err);
      await ack({ response_action: 'errors', errors: { [NOGO_REASON_BLOCK]: err instanceof DomainError ? err.message : 'Something went wrong on our side; please try again.' } });
      return;
    }
    await ack();
    await finishVote(deps, voted, now).catch((err: unknown) => deps.log.error('after-vote work failed', err));
    // Opened from App Home: the Home, redrawn with the ballot, is the confirmation.
    if (view.private_metadata.fromHome) await homeClicked(deps, team!.id, user.id);
    else await tellUser(deps, client, view.private_metadata.channelId, user.id, voteConfirmation('no_go', voted.result, voted.gate.anonymous));
  };
}

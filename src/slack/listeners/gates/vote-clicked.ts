import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { castVote, checkCanVote, finishVote } from '../../../services/gates/cast-vote.js';
import { noGoModal, voteConfirmation } from '../../../messages/gate.js';
import { GateIdValue, parseVoteAction } from '../../../messages/ids/gate.js';
import { ackWithin } from './ack-budget.js';
import { tellUser } from '../tell-user.js';
import { SOMETHING_WRONG } from './ephemeral.js';

export const ActionBody = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: GateIdValue })).min(1),
});

/**
 * Go / Abstain: the ballot is committed before the ack, so an ack means "counted"; the
 * confirmation, the message refresh and the close/quorum checks follow the ack. No-go: the ack
 * comes first (the trigger id expires in 3 s), then the reason modal — unless the person may not vote.
 */
export function voteClicked(deps: Deps) {
  return async ({ ack: boltAck, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    const { ack } = ackWithin(boltAck);
    const parsed = ActionBody.safeParse(body);
    const vote = parsed.success ? parseVoteAction(parsed.data.actions[0]!.action_id) : null;
    if (!parsed.success || !vote) {
      await ack();
      return;
    }
    const b = parsed.data;
    const channel = b.channel?.id ?? b.container?.channel_id;
    const who = { teamId: b.team.id, gateId: b.actions[0]!.value, userId: b.user.id };
    const now = deps.clock.now();
    if (vote === 'no_go') {
      await ack();
      try {
        const gate = await checkCanVote(deps, who, now);
        await client.views.open({ trigger_id: b.trigger_id, view: noGoModal({ gateId: gate.id, channelId: channel ?? gate.channelId, question: gate.question }) });
      } catch (err) {
        if (!(err instanceof DomainError)) deps.log.error('opening the No-go modal failed', err);
        await tellUser(deps, client, channel, who.userId, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : SOMETHING_WRONG);
      }
      return;
    }
    let voted: Awaited<ReturnType<typeof castVote>>;
    try {
      voted = await castVote(deps, { ...who, vote }, now);
    } catch (err) {
      await ack();
      if (!(err instanceof DomainError)) deps.log.error('vote failed', err);
      await tellUser(deps, client, channel, who.userId, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : SOMETHING_WRONG);
      return;
    }
    await ack();
    await finishVote(deps, voted, now).catch((err: unknown) => deps.log.error('after-vote work failed', err));
    await tellUser(deps, client, channel, who.userId, voteConfirmation(vote, voted.result, voted.gate.anonymous));
  };
}

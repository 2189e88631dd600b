import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { castClickedVote, checkCanVote, finishVote, type VoteResult } from '../../../services/gates/cast-vote.js';
import { isDatabaseUnavailable } from '../../../shared/database-unavailable.js';
import { noGoModal, voteConfirmation } from '../../../messages/gate.js';
import { GateIdValue, parseVoteAction } from '../../../messages/ids/gate.js';
import { ackWithin } from './ack-budget.js';
import { answerClick, clickPlace } from '../tell-user.js';
import { homeClicked } from '../../../services/projects/home-refresh.js';
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
 * Go / Abstain clicks record their request key (`trigger:<trigger_id>`) in the ballot's own
 * transaction (`castClickedVote`), so the dedupe middleware skips its write for them: one
 * connection and one commit per vote instead of two. True for those clicks.
 */
export function recordsOwnRequestKey(body: unknown): boolean {
  const b = body as { type?: unknown; actions?: unknown };
  if (b.type !== 'block_actions' || !Array.isArray(b.actions)) return false;
  const id = (b.actions[0] as { action_id?: unknown } | undefined)?.action_id;
  const vote = typeof id === 'string' ? parseVoteAction(id) : null;
  return vote === 'go' || vote === 'abstain';
}

/**
 * Go / Abstain: the ballot is committed before the ack, so an ack means "counted"; the
 * confirmation, the message refresh and the close/quorum checks follow the ack. No-go: the ack
 * comes first (the trigger id expires in 3 s), then the reason modal — unless the person may not vote.
 *
 * The same for a click on the gate message and one in the person's App Home (same action ids and
 * values; the Home click has no channel): the same verb and rules, and the gate message is redrawn
 * either way. From Home, the confirmation is the Home redrawn with the ballot (queued with it), and
 * a refusal opens a small modal (`answerClick`) and redraws the Home, so the stale entry (a gate
 * that closed, a voter list that changed) goes away (`homeClicked`).
 */
export function voteClicked(deps: Deps) {
  return async ({ ack: boltAck, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    const { ack, leave } = ackWithin(boltAck);
    const parsed = ActionBody.safeParse(body);
    const vote = parsed.success ? parseVoteAction(parsed.data.actions[0]!.action_id) : null;
    if (!parsed.success || !vote) {
      await ack();
      return;
    }
    const b = parsed.data;
    const place = clickPlace(body);
    const who = { teamId: b.team.id, gateId: b.actions[0]!.value, userId: b.user.id };
    const refuse = (err: unknown) => answerClick(deps, client, place, who.userId, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : SOMETHING_WRONG, 'refusal');
    const now = deps.clock.now();
    if (vote === 'no_go') {
      await ack();
      try {
        const gate = await checkCanVote(deps, who, now);
        const meta = { gateId: gate.id, channelId: place.channel ?? gate.channelId, ...(place.home ? { fromHome: true } : {}) };
        await client.views.open({ trigger_id: b.trigger_id, view: noGoModal({ ...meta, question: gate.question }) });
      } catch (err) {
        if (!(err instanceof DomainError)) deps.log.error('opening the No-go modal failed', err);
        await refuse(err);
        if (place.home) await homeClicked(deps, who.teamId, who.userId, { redraw: true });
      }
      return;
    }
    let voted: VoteResult | null;
    try {
      voted = await castClickedVote(deps, { ...who, vote, requestKey: `trigger:${b.trigger_id}` }, now);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        // Nothing was written: the database-unavailable middleware acks and says "try again".
        leave();
        throw err;
      }
      await ack();
      if (!(err instanceof DomainError)) deps.log.error('vote failed', err);
      await refuse(err);
      if (place.home) await homeClicked(deps, who.teamId, who.userId, { redraw: true });
      return;
    }
    await ack();
    if (!voted) {
      deps.log.debug(`dropping repeated Slack request trigger:${b.trigger_id}`);
      return;
    }
    await finishVote(deps, voted, now).catch((err: unknown) => deps.log.error('after-vote work failed', err));
    await answerClick(deps, client, place, who.userId, voteConfirmation(vote, voted.result, voted.gate.anonymous), 'confirmation');
    if (place.home) await homeClicked(deps, who.teamId, who.userId);
  };
}

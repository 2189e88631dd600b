import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { claimEventDelivery, firstDelivery, settleEventDelivery } from '../../../services/slack-requests/mark-seen.js';
import { eventDeliveryOf } from '../../event-delivery.js';
import { recordsOwnRequestKey } from '../gates/vote-clicked.js';

/**
 * Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), sometimes while the first
 * attempt is still running.
 *
 * Events (keyed by event_id) count as seen only once their listener has finished: a delivery claims
 * the event under a lease, runs the listener, then marks it done — or failed, if the listener threw,
 * so that Slack's retry (which the 500 answer asks for, see `event-delivery.ts`) runs it again. A
 * retry of a done event is acknowledged and dropped; one arriving while another delivery still runs
 * it is not run (503, Slack comes back later); one whose delivery's lease ran out (that instance
 * died) runs it again.
 *
 * Clicks and slash commands are keyed by their trigger id and count as seen at once: Slack does not
 * retry them, but a replayed copy of a signed command passes the signature check for 5 minutes and
 * must not, say, hand out a second API token — even when the first run failed half-way. Go / Abstain
 * vote clicks are the exception: their key is recorded in the ballot's transaction, with the same
 * effect (see `recordsOwnRequestKey`), so that a vote needs one connection and one commit, not two.
 */
export function dedupeRetries(deps: Deps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { event_id?: string; trigger_id?: string };
    const retryNum = (args.context as { retryNum?: number }).retryNum;
    if (body.event_id) {
      const key = `event:${body.event_id}`;
      const outcome = eventDeliveryOf(args.context);
      const delivery = await claimEventDelivery(deps, key);
      if (delivery.kind !== 'claimed') {
        deps.log.debug(`not running Slack event ${key} again (retry ${retryNum ?? 'none'}): ${delivery.kind === 'done' ? 'already handled' : 'another delivery is running it'}`);
        if (outcome && delivery.kind === 'busy') outcome.result = 'busy';
        return;
      }
      try {
        await args.next();
      } catch (err) {
        if (outcome) outcome.result = 'failed';
        await settleEventDelivery(deps, key, delivery.claim, false);
        throw err;
      }
      await settleEventDelivery(deps, key, delivery.claim, true);
      return;
    }
    if (body.trigger_id && recordsOwnRequestKey(args.body)) {
      await args.next();
      return;
    }
    if (body.trigger_id && !(await firstDelivery(deps, `trigger:${body.trigger_id}`))) {
      deps.log.debug(`dropping repeated Slack request trigger:${body.trigger_id} (retry ${retryNum ?? 'none'})`);
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
      return;
    }
    await args.next();
  };
}

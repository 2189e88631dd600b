import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { firstDelivery } from '../../../services/slack-requests/mark-seen.js';

/**
 * Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), sometimes while the first
 * attempt is still running. The first delivery to record its key wins; later ones are acked and
 * dropped. Events are keyed by event_id; clicks and slash commands by their trigger id, which a
 * retried delivery repeats — and so does a replayed copy of a signed command (it passes the
 * signature check for 5 minutes), which must not, say, hand out a second API token.
 */
export function dedupeRetries(deps: Deps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { event_id?: string; trigger_id?: string; type?: string; command?: string };
    const key = body.event_id ? `event:${body.event_id}` : body.trigger_id ? `trigger:${body.trigger_id}` : undefined;
    if (key && !(await firstDelivery(deps, key))) {
      const retryNum = (args.context as { retryNum?: number }).retryNum;
      deps.log.debug(`dropping repeated Slack request ${key} (retry ${retryNum ?? 'none'})`);
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
      return;
    }
    await args.next();
  };
}

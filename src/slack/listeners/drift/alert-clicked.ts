import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import type { AlertAction } from '../../../domain/drift/alert-policy.js';
import { DomainError } from '../../../domain/errors.js';
import { actionConfirmation } from '../../../messages/drift.js';
import { IncidentIdValue, parseDriftAction } from '../../../messages/ids/drift.js';
import { acknowledgeAlert } from '../../../services/drift/alerts/acknowledge.js';
import type { AlertActionResult } from '../../../services/drift/alerts/alert-action.js';
import { resolveAlert } from '../../../services/drift/alerts/resolve.js';
import { snoozeAlert } from '../../../services/drift/alerts/snooze.js';
import { ackWithin } from '../gates/ack-budget.js';
import { tellUser } from '../tell-user.js';

const AlertClick = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).passthrough().optional(),
  message: z.object({ ts: z.string() }).passthrough().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: IncidentIdValue })).min(1),
});

const VERBS: Record<AlertAction, typeof acknowledgeAlert> = { acknowledge: acknowledgeAlert, snooze: snoozeAlert, resolve: resolveAlert };

const SOMETHING_WRONG = ':x: Something went wrong on our side; the alert was not changed. Please try again in a moment.';

/**
 * Acknowledge, Snooze 24h, Resolve on an alert's root message. Who may is decided by the verb
 * (domain/access.ts `handle_alert`): the click must come from the alert's own message, in its
 * channel. The state change commits before the ack, so an ack means done; the person then gets
 * an ephemeral confirmation (or the refusal, which says who may).
 */
export function alertClicked(deps: Deps) {
  return async ({ ack: boltAck, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    const { ack } = ackWithin(boltAck);
    const parsed = AlertClick.safeParse(body);
    const action = parsed.success ? parseDriftAction(parsed.data.actions[0]!.action_id) : null;
    if (!parsed.success || !action) {
      await ack();
      return;
    }
    const b = parsed.data;
    const channelId = b.channel?.id ?? b.container?.channel_id;
    const messageTs = b.container?.message_ts ?? b.message?.ts;
    const actor = { userId: b.user.id, ...(channelId ? { channelId } : {}), ...(messageTs ? { messageTs } : {}) };
    let result: AlertActionResult;
    try {
      // A click without its message (a forwarded or unknown surface) can only be refused.
      result = await VERBS[action](deps, { teamId: b.team.id, incidentId: b.actions[0]!.value, actor: messageTs ? actor : { ...actor, messageTs: '' } }, deps.clock.now());
    } catch (err) {
      await ack();
      if (!(err instanceof DomainError)) deps.log.error(`drift ${action} failed`, err);
      await tellUser(deps, client, channelId, b.user.id, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : SOMETHING_WRONG);
      return;
    }
    await ack();
    const i = result.incident;
    await tellUser(deps, client, channelId, b.user.id, actionConfirmation(action, { kind: result.kind, status: i.status, changedBy: i.changedBy, snoozedUntil: i.snoozedUntil }));
  };
}

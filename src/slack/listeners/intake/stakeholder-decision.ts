import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { stakeholderProposalMessage } from '../../../messages/intake.js';
import { decideStakeholders } from '../../../services/intake/decide-stakeholders.js';
import { tellUser } from '../tell-user.js';

const Click = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  container: z.object({ channel_id: z.string().min(1), message_ts: z.string().min(1) }),
  actions: z.array(z.object({ value: z.string().regex(/^\d{1,15}$/) })).min(1),
});

/** Confirm stakeholders / Decline in the owner's direct message: the owner's answer to a proposal. */
export function stakeholderDecision(deps: Deps, confirm: boolean) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = Click.safeParse(body);
    if (!click.success) return;
    const c = click.data;
    const where = { channel: c.container.channel_id, ts: c.container.message_ts };
    try {
      const decision = await decideStakeholders(deps, { teamId: c.team?.id ?? c.user.team_id ?? '', proposalId: Number(c.actions[0]!.value), userId: c.user.id, confirm });
      // The buttons go away on the message that was clicked, whatever the outcome.
      await client.chat.update({ ...where, ...stakeholderProposalMessage(decision.view) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellUser(deps, client, where.channel, c.user.id, `:no_entry_sign: ${err.message}`);
    }
  };
}

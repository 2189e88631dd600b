import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { cancelGate, closeGate } from '../../../services/gates/close-gate.js';
import { GateIdValue, type OwnerMenuChoice, parseOwnerMenuValue } from '../../../messages/ids/gate.js';
import { tellUser } from '../tell-user.js';

const OwnerActionBody = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), selected_option: z.object({ value: z.string() }).optional() })).min(1),
});

/**
 * Close now / Cancel gate, picked in the gate message's "⋯" menu (or clicked as a button on a
 * message posted before the menu): only the project owner — the services check it — and anyone
 * else is told so in an ephemeral, and nothing changes.
 */
export function ownerAction(deps: Deps, fixed?: OwnerMenuChoice) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const parsed = OwnerActionBody.safeParse(body);
    if (!parsed.success) return;
    const b = parsed.data;
    const action = b.actions[0]!;
    let pick: { what: OwnerMenuChoice; gateId: number } | null = null;
    if (fixed) {
      const id = GateIdValue.safeParse(action.value);
      pick = id.success ? { what: fixed, gateId: id.data } : null;
    } else if (action.selected_option) pick = parseOwnerMenuValue(action.selected_option.value);
    if (!pick) return;
    const channel = b.channel?.id ?? b.container?.channel_id;
    const input = { teamId: b.team.id, gateId: pick.gateId, actorId: b.user.id };
    try {
      if (pick.what === 'close') await closeGate(deps, { ...input, closedBy: 'owner' }, deps.clock.now());
      else await cancelGate(deps, input, deps.clock.now());
    } catch (err) {
      if (!(err instanceof DomainError)) deps.log.error(`gate ${pick.what} failed`, err);
      await tellUser(deps, client, channel, b.user.id, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : ':x: Something went wrong; the gate was not changed.');
    }
  };
}

import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { cancelGate, closeGate } from '../../../services/gates/close-gate.js';
import { ActionBody } from './vote-clicked.js';
import { tellUser } from '../tell-user.js';

/** Close now / Cancel gate: only the project owner; anyone else is told so, and nothing changes. */
export function ownerAction(deps: Deps, what: 'close' | 'cancel') {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const parsed = ActionBody.safeParse(body);
    if (!parsed.success) return;
    const b = parsed.data;
    const channel = b.channel?.id ?? b.container?.channel_id;
    const input = { teamId: b.team.id, gateId: b.actions[0]!.value, actorId: b.user.id };
    try {
      if (what === 'close') await closeGate(deps, { ...input, closedBy: 'owner' }, deps.clock.now());
      else await cancelGate(deps, input, deps.clock.now());
    } catch (err) {
      if (!(err instanceof DomainError)) deps.log.error(`gate ${what} failed`, err);
      await tellUser(deps, client, channel, b.user.id, err instanceof DomainError ? `:no_entry_sign: ${err.message}` : ':x: Something went wrong; the gate was not changed.');
    }
  };
}

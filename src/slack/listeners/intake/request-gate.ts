import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { requestGate } from '../../../services/gates/request-gate.js';
import { tellUser } from '../tell-user.js';
import { BriefButtonClick } from './payloads.js';

/** Request design gate: asks the gates feature to open the design → development vote; the answer goes to the clicker only. */
export function requestDesignGateClicked(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = BriefButtonClick.safeParse(body);
    if (!click.success) return;
    const c = click.data;
    const teamId = c.team?.id ?? c.user.team_id ?? '';
    const result = await requestGate(deps, { teamId, projectId: Number(c.actions[0]!.value), toPhase: 'development', requestedBy: c.user.id });
    await tellUser(deps, client, c.container.channel_id, c.user.id, result.message, c.container.thread_ts);
  };
}

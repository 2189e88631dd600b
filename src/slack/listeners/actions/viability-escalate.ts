import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { escalateCheckin } from '../../../services/viability/escalate.js';
import { tellUser } from '../tell-user.js';
import { ButtonClick } from './viability-answer.js';

/** Open continue/stop gate: asks for a gate towards `retired` and shows the clicker the answer. */
export function viabilityEscalate(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = ButtonClick.safeParse(body);
    if (!click.success) return;
    const { team, user, channel } = click.data;
    const result = await escalateCheckin(deps, team.id, Number(click.data.actions[0]!.value), user.id);
    await tellUser(deps, client, channel.id, user.id, result.ok ? result.message : `:warning: ${result.message}`, click.data.container?.thread_ts);
  };
}

import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { findCheckin } from '../../../db/repositories/viability.js';
import { escalationReasonText } from '../../../messages/viability.js';
import { requestGate } from '../../../services/gates/request-gate.js';
import { tellUser } from '../tell-user.js';
import { ButtonClick } from './viability-answer.js';

/** Open continue/stop gate: asks the gates feature for a gate towards `retired` and shows its answer. */
export function viabilityEscalate(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const click = ButtonClick.safeParse(body);
    if (!click.success) return;
    const { team, user, channel } = click.data;
    const checkin = await findCheckin(deps.db, team.id, Number(click.data.actions[0]!.value));
    const project = checkin ? await findProjectById(deps.db, team.id, checkin.projectId) : undefined;
    if (!checkin || !project) {
      await tellUser(deps, client, channel.id, user.id, 'That check-in or its project no longer exists.');
      return;
    }
    // Only escalated check-ins carry this button: Not viable means the majority rule, anything else the streak rule.
    const reason = escalationReasonText(checkin.verdict === 'not_viable' ? 'not_viable_majority' : 'at_risk_twice');
    const result = await requestGate(deps, {
      teamId: team.id,
      projectId: project.id,
      toPhase: 'retired',
      requestedBy: user.id,
      reason: `Viability check-in: ${reason}`,
      question: `Continue or stop ${project.slug}?`,
    });
    await tellUser(deps, client, channel.id, user.id, result.ok ? result.message : `:warning: ${result.message}`, click.data.container?.thread_ts);
  };
}

import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findCheckin } from '../../db/repositories/viability.js';
import { escalationReasonText } from '../../messages/viability.js';
import { type GateRequestResult, requestGate } from '../gates/request-gate.js';

/** Open continue/stop gate: a gate towards `retired`, with the check-in's reason as its evidence. */
export async function escalateCheckin(deps: Deps, teamId: string, checkinId: number, userId: string): Promise<GateRequestResult> {
  const checkin = await findCheckin(deps.db, teamId, checkinId);
  const project = checkin ? await findProjectById(deps.db, teamId, checkin.projectId) : undefined;
  if (!checkin || !project) return { ok: false, message: 'That check-in or its project no longer exists.' };
  // Only escalated check-ins carry this button: Not viable means the majority rule, anything else the streak rule.
  const reason = escalationReasonText(checkin.verdict === 'not_viable' ? 'not_viable_majority' : 'at_risk_twice');
  return requestGate(deps, { teamId, projectId: project.id, toPhase: 'retired', requestedBy: userId, reason: `Viability check-in: ${reason}`, question: `Continue or stop ${project.slug}?` });
}

import { findProjectById } from '../../db/repositories/projects.js';
import { DomainError } from '../../domain/errors.js';
import type { GateOpener } from '../../slack/gate-requests.js';
import { transitionText } from '../../slack/views/gate.js';
import { openGate } from './open-gate.js';

/**
 * `deps.requestGate`: how intake (Request design gate), experiments (Request deployment gate) and
 * viability escalation (a continue/stop gate, toPhase 'retired') open a gate, with the defaults —
 * the brief's stakeholders as voters, majority quorum, 48 h.
 */
export const openGateOnRequest: GateOpener = async (deps, _client, req) => {
  const now = deps.clock.now();
  try {
    const project = await findProjectById(deps.db, req.teamId, req.projectId);
    if (!project) return { ok: false, message: 'That project no longer exists.' };
    const gate = await openGate(deps, project, { openedBy: req.requestedBy, toPhase: req.toPhase, question: req.question, reason: req.reason }, now);
    return { ok: true, message: `Opened a go/no-go gate for ${project.slug} (${transitionText(gate.fromPhase, gate.toPhase)}) in <#${gate.channelId}>: ${gate.voters.length} voters, quorum ${gate.quorum}.` };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, message: err.message };
    throw err;
  }
};

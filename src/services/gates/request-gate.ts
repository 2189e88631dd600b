import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { DomainError } from '../../domain/errors.js';
import type { Phase } from '../../domain/lifecycle.js';
import { transitionText } from '../../messages/gate.js';
import { openGate } from './open-gate.js';

export interface GateRequest {
  teamId: string;
  projectId: number;
  /** Where the project should move; undefined = its next phase. */
  toPhase?: Phase;
  requestedBy: string;
  /** Why the gate is being asked for (shown with it), e.g. "Run rf-12 met every target". */
  reason?: string;
  /** The question shown on the gate; a default is derived from the transition. */
  question?: string;
}

export type GateRequestResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * How intake (Request design gate), experiments (Request deployment gate) and viability
 * escalation (a continue/stop gate, toPhase 'retired') open a gate, with the defaults — the
 * brief's stakeholders as voters, majority quorum, 48 h. A refusal comes back as a sentence for
 * the person who clicked, never as a throw.
 */
export async function requestGate(deps: Deps, req: GateRequest): Promise<GateRequestResult> {
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
}

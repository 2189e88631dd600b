import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findRun } from '../../db/repositories/runs.js';
import { runLabel } from '../../domain/experiments/summary.js';
import { type GateRequestResult, requestGate } from '../gates/request-gate.js';

/** "Request deployment gate" on a run summary: the gate towards deployment, with the run as its evidence. */
export async function requestDeploymentGate(deps: Deps, c: { teamId: string; projectId: number; runId: number; userId: string }): Promise<GateRequestResult> {
  const project = await findProjectById(deps.db, c.teamId, c.projectId);
  const run = project ? await findRun(deps.db, { teamId: c.teamId, projectId: project.id }, c.runId) : undefined;
  if (!project || !run) return { ok: false, message: 'That project or run no longer exists.' };
  return requestGate(deps, { teamId: c.teamId, projectId: project.id, toPhase: 'deployment', requestedBy: c.userId, reason: `Run ${runLabel(run)} met every target.` });
}

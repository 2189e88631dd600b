import type { SlackListeners } from './registry.js';
import type { Deps } from '../../deps.js';
import { RUNS_IDS } from '../../messages/ids/runs.js';
import { requestDeploymentGateClicked } from './actions/request-deployment-gate.js';

/** Experiment runs: the deployment-gate button of run summaries, and the runs section of status, gates and check-ins. */
export function registerRuns(listeners: SlackListeners, deps: Deps): void {
  listeners.action(RUNS_IDS.requestDeploymentGate, requestDeploymentGateClicked(deps));
}

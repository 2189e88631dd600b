import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { REQUEST_DEPLOYMENT_GATE } from '../../messages/run-summary.js';
import { requestDeploymentGateClicked } from './actions/request-deployment-gate.js';

/** Experiment runs: the deployment-gate button of run summaries, and the runs section of status, gates and check-ins. */
export function registerRuns(app: App, deps: Deps): void {
  app.action(REQUEST_DEPLOYMENT_GATE, requestDeploymentGateClicked(deps));
}

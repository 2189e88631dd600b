import type { SlackListeners } from './registry.js';
import type { Deps } from '../../deps.js';
import { RUNS_IDS } from '../../messages/ids/runs.js';
import { requestDeploymentGateClicked } from './actions/request-deployment-gate.js';
import { shareLeaderboardClicked } from './actions/share-leaderboard.js';

/** Experiment runs: the deployment-gate button of run summaries, and Share to channel under a private leaderboard. */
export function registerRuns(listeners: SlackListeners, deps: Deps): void {
  listeners.action(RUNS_IDS.requestDeploymentGate, requestDeploymentGateClicked(deps));
  listeners.action(RUNS_IDS.shareLeaderboard, shareLeaderboardClicked(deps));
}

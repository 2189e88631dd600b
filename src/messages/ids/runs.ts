/**
 * Action ids of experiment runs. The convention for every feature: action and view callback ids
 * are `<feature>.<action>`, with a value after a further dot where the action carries one
 * (`gate.vote.go`, `viability.answer.at_risk`), and each feature builds and parses its ids in its
 * own file here.
 */
export const RUNS_IDS = {
  requestDeploymentGate: 'runs.request_deployment_gate',
} as const;

import { z } from 'zod';
import { METRIC_NAME } from '../../domain/metrics/success-metric.js';

/**
 * Action ids of experiment runs. The convention for every feature: action and view callback ids
 * are `<feature>.<action>`, with a value after a further dot where the action carries one
 * (`gate.vote.go`, `viability.answer.at_risk`), and each feature builds and parses its ids in its
 * own file here.
 */
export const RUNS_IDS = {
  requestDeploymentGate: 'runs.request_deployment_gate',
  shareLeaderboard: 'runs.share_leaderboard',
} as const;

/**
 * What a Share to channel button carries: which leaderboard to read again at click time (the
 * project, and the --metric and --last the person asked for) and a nonce naming this one share, so
 * a double click posts once. It grants nothing: the click is checked against the access rule anew.
 */
export const ShareLeaderboardValue = z.object({
  projectId: z.number().int().positive(),
  metric: z.string().regex(METRIC_NAME).optional(),
  lastN: z.number().int().min(1).max(10_000).optional(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
export type ShareLeaderboardValue = z.infer<typeof ShareLeaderboardValue>;

export const shareLeaderboardValue = (v: ShareLeaderboardValue): string => JSON.stringify(v);

/** The button's value, or null when it is not one this app wrote. */
export function parseShareLeaderboardValue(text: string | undefined): ShareLeaderboardValue | null {
  try {
    const parsed = ShareLeaderboardValue.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

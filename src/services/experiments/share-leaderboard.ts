import type { Deps } from '../../deps.js';
import { findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { requireProjectById } from '../projects/find-project.js';
import { leaderboardData, postLeaderboard } from './leaderboard.js';

export interface ShareLeaderboardInput {
  teamId: string;
  projectId: number;
  /** Names this share: every click on one private leaderboard carries the same nonce. */
  nonce: string;
  metric?: string;
  lastN?: number;
  /** Who clicked, and in which channel. */
  actor: Actor;
}

export type ShareLeaderboardResult = { kind: 'shared' | 'already_shared' | 'no_runs'; project: ProjectRow };

/**
 * "Share to channel" under a private `/mlops runs` answer: posts that leaderboard in the project's
 * channel, with its chart in the thread, through the outbox. The button's value names the project
 * but grants nothing: the clicker must still be allowed to read the project (the same rule as the
 * command), and the figures are read again now, so the channel sees the database as it is when
 * shared ("as of" in the message). A share is posted once however often its button is clicked: a
 * double click, or two clicks racing, find the share's outbox row by its key and post nothing more.
 */
export async function shareLeaderboard(deps: Deps, input: ShareLeaderboardInput, now: Date): Promise<ShareLeaderboardResult> {
  const project = await requireProjectById(deps, input.teamId, input.projectId);
  assertMay('read', input.actor, project);
  const dedupeKey = `leaderboard-share:${project.id}:${input.nonce}`;
  // Checked before the chart is drawn, which takes a while: a second click costs one read.
  if (await findOutboxByDedupeKey(deps.db, dedupeKey)) return { kind: 'already_shared', project };
  const data = await leaderboardData(deps, project, { metric: input.metric, lastN: input.lastN });
  if (!data) return { kind: 'no_runs', project };
  const posted = await postLeaderboard(deps, project, data, now, { dedupeKey, sharedBy: input.actor.userId });
  return { kind: posted ? 'shared' : 'already_shared', project };
}

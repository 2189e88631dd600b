import type { Db } from '../../db/client.js';
import { recordHomeVisit } from '../../db/repositories/home-visitors.js';
import { queueHomePublishes } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { ownerAndStakeholders } from '../../domain/access.js';
import { briefTargets } from '../../domain/experiments/summary.js';

export const HOME_RENDER_KIND = 'home';
/** The render of a queued Home redraw; the outbox adds the person (`userId`). */
export const HOME_RENDER = { kind: HOME_RENDER_KIND };

/**
 * Redraws these people's App Home after a change that shows there (a gate opened or closed, their
 * ballot, an alert, a check-in, a phase), in the caller's transaction so the redraw is queued
 * exactly when the change commits. It goes through the outbox as a `views.publish` rendered when it
 * is sent, from the database as it is then; a person with a redraw already waiting gets no second
 * one, and only people who have opened Home get any (see `queueHomePublishes`, `homeVisitors`).
 * The caller kicks the outbox after its commit, as for its other messages.
 */
export async function queueHomeRefresh(db: Db, teamId: string, userIds: readonly string[], now: Date): Promise<void> {
  await queueHomePublishes(db, { teamId, userIds, render: HOME_RENDER, now });
}

/** Redraws the Home of a project's owner and stakeholders: the people whose Home lists the project. */
export async function queueProjectHomeRefresh(db: Db, project: { teamId: string; ownerId: string; brief: unknown }, now: Date): Promise<void> {
  await queueHomeRefresh(db, project.teamId, ownerAndStakeholders(project), now);
}

/** As queueProjectHomeRefresh, for a project known by id (nothing when it is gone). */
export async function queueProjectHomeRefreshById(db: Db, teamId: string, projectId: number, now: Date): Promise<void> {
  const project = await findProjectById(db, teamId, projectId);
  if (project) await queueProjectHomeRefresh(db, project, now);
}

/**
 * After runs were logged: a project's people see the best value of its primary success metric on
 * their Home, so runs that report that metric redraw it (one statement per workspace, whatever the
 * number of runs). Runs that do not report it change nothing there.
 */
export async function queueHomeRefreshAfterRuns(db: Db, runs: readonly { project: { teamId: string; ownerId: string; brief: unknown }; metrics: Record<string, number> }[], now: Date): Promise<void> {
  const byTeam = new Map<string, Set<string>>();
  for (const { project, metrics } of runs) {
    const primary = briefTargets(project.brief)[0];
    if (!primary || metrics[primary.name] === undefined) continue;
    let people = byTeam.get(project.teamId);
    if (!people) byTeam.set(project.teamId, (people = new Set()));
    for (const u of ownerAndStakeholders(project)) people.add(u);
  }
  for (const [teamId, people] of byTeam) await queueHomeRefresh(db, teamId, [...people], now);
}

/**
 * A click from someone's Home (a vote, an answer, a refusal). It notes that they use Home — they
 * may have opened it before Home visits were recorded, and then the change they made could not
 * redraw it — and redraws it when that was so, or when `redraw` asks (a refusal: a stale entry, a
 * gate that closed or a voter list that changed, goes away). Otherwise the change already queued
 * the redraw. Coalesced with any redraw waiting.
 */
export async function homeClicked(deps: Deps, teamId: string, userId: string, opts: { redraw?: boolean } = {}): Promise<void> {
  const now = deps.clock.now();
  try {
    const firstVisit = await recordHomeVisit(deps.db, teamId, userId, now);
    if (!firstVisit && !opts.redraw) return;
    await queueHomeRefresh(deps.db, teamId, [userId], now);
    deps.kickOutbox();
  } catch (err) {
    // The click's own work is done; only the Home stays as it was until the next change or visit.
    deps.log.warn(`could not queue a Home refresh for ${userId}`, err);
  }
}

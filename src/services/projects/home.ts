import type { Deps } from '../../deps.js';
import { listProjects } from '../../db/repositories/projects.js';
import { isOwnerOrStakeholder } from '../../domain/access.js';
import { openIncidentsOf } from '../../db/repositories/drift-incidents.js';
import { homeView } from '../../messages/home.js';
import { openAlertView } from '../drift/alerts/incident-message.js';
import { gatesAwaitingVote } from '../gates/awaiting-vote.js';

/** A person's App Home: the projects they own or hold a stake in, the gates awaiting their vote, and those projects' open drift alerts. */
export async function homeFor(deps: Deps, teamId: string, userId: string): Promise<ReturnType<typeof homeView>> {
  const all = await listProjects(deps.db, teamId);
  const mine = all.filter((p) => isOwnerOrStakeholder(userId, p));
  const awaitingVote = await gatesAwaitingVote(deps, teamId, userId);
  const openAlerts = (await openIncidentsOf(deps.db, teamId, mine.map((p) => p.id))).map(openAlertView);
  return homeView({ userId, projects: mine, awaitingVote, openAlerts });
}

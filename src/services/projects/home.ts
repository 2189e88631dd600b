import type { HomeView } from '@slack/types';
import type { Deps } from '../../deps.js';
import { openIncidentsOf } from '../../db/repositories/drift-incidents.js';
import { recordHomeVisit } from '../../db/repositories/home-visitors.js';
import { listProjects, type ProjectRow } from '../../db/repositories/projects.js';
import { bestByMetric, scopeOf } from '../../db/repositories/runs.js';
import { checkinsAwaitingAnswer } from '../../db/repositories/viability.js';
import { isOwnerOrStakeholder } from '../../domain/access.js';
import { briefTargets } from '../../domain/experiments/summary.js';
import { compareToTarget } from '../../domain/metrics/success-metric.js';
import { HOME_LIMITS, homeView } from '../../messages/home.js';
import type { HomeProject } from '../../messages/models.js';
import { openAlertView } from '../drift/alerts/incident-message.js';
import { votersOpenGates } from '../gates/awaiting-vote.js';
import type { OutboxRenderer } from '../job-handlers.js';
import { permalinksFor } from '../permalinks.js';

/** How many open alerts the Home lists (homeAlertLines counts the rest). */
const MAX_ALERTS = 15;

/**
 * A person's App Home, from the database as it is at `now`: the projects they own or hold a stake
 * in (phase, best primary metric against its target), the open gates awaiting their vote and those
 * they voted on, the check-ins waiting for their answer, and those projects' open drift alerts,
 * each with a link to its message (permalinks are asked of Slack once per message, see `permalinksFor`).
 */
export async function homeFor(deps: Deps, teamId: string, userId: string, now: Date = deps.clock.now()): Promise<HomeView> {
  const mine = (await listProjects(deps.db, teamId)).filter((p) => isOwnerOrStakeholder(userId, p));
  const ids = mine.map((p) => p.id);
  const [projects, gates, checkins, incidents] = await Promise.all([
    Promise.all(mine.slice(0, HOME_LIMITS.projects).map((p) => homeProject(deps, p))),
    votersOpenGates(deps, teamId, userId),
    checkinsAwaitingAnswer(deps.db, teamId, ids, userId, now, HOME_LIMITS.checkins),
    openIncidentsOf(deps.db, teamId, ids),
  ]);
  const awaiting = gates.awaiting.slice(0, HOME_LIMITS.gates);
  const voted = gates.voted.slice(0, HOME_LIMITS.voted);
  const alerts = incidents.slice(0, MAX_ALERTS);
  const links = await permalinksFor(deps, teamId, [
    ...[...awaiting, ...voted].flatMap((g) => (g.messageOutboxId !== null ? [g.messageOutboxId] : [])),
    ...checkins.checkins.flatMap((c) => (c.outboxId !== null ? [c.outboxId] : [])),
    ...alerts.flatMap((a) => (a.rootOutboxId !== null ? [a.rootOutboxId] : [])),
  ]);
  const link = (outboxId: number | null) => (outboxId !== null ? (links.get(outboxId) ?? null) : null);
  const gateView = (g: (typeof awaiting)[number]) => ({
    gateId: g.id,
    slug: g.slug,
    fromPhase: g.fromPhase,
    toPhase: g.toPhase,
    question: g.question,
    channelId: g.channelId,
    deadline: g.deadline,
    anonymous: g.anonymous,
    permalink: link(g.messageOutboxId),
  });
  return homeView({
    userId,
    // Every project is counted; only the first HOME_LIMITS.projects are read further and shown.
    projects: [...projects, ...mine.slice(HOME_LIMITS.projects).map((p) => ({ ...p, primary: null }))],
    awaitingVote: { items: awaiting.map(gateView), total: gates.awaitingTotal },
    // Links were looked up for the items shown; the rest are only counted.
    voted: gates.voted.map((g) => ({ ...gateView(g), vote: g.vote })),
    checkins: { items: checkins.checkins.map((c) => ({ checkinId: c.id, slug: c.slug, channelId: c.channelId, closesAt: c.closesAt, permalink: link(c.outboxId) })), total: checkins.total },
    openAlerts: incidents.map((a) => ({ ...openAlertView(a), permalink: link(a.rootOutboxId) })),
  });
}

/** The project's phase and its primary success metric (the brief's first) with the best value any run reported. */
async function homeProject(deps: Deps, p: ProjectRow): Promise<HomeProject> {
  const primary = briefTargets(p.brief)[0];
  if (!primary) return { ...p, primary: null };
  const best = (await bestByMetric(deps.db, scopeOf(p), [primary])).get(primary.name);
  return {
    ...p,
    primary: { name: primary.name, direction: primary.direction, target: primary.target, best: best?.value ?? null, met: best ? compareToTarget(primary, best.value).met : null },
  };
}

/** Someone opened the Home tab: note it (background redraws go only to people who did) and draw it. */
export async function openHome(deps: Deps, teamId: string, userId: string): Promise<HomeView> {
  const now = deps.clock.now();
  await recordHomeVisit(deps.db, teamId, userId, now);
  return homeFor(deps, teamId, userId, now);
}

/** Draws a queued Home redraw (`payload.render.userId`) when it is sent. */
export const homeRenderer: OutboxRenderer = async (deps, row, now) => {
  const userId = (row.payload as { render?: { userId?: unknown } }).render?.userId;
  if (typeof userId !== 'string' || !userId) throw new Error(`outbox ${row.id}: Home render without a user id`);
  return { view: await homeFor(deps, row.teamId, userId, now) };
};

import type { Db } from '../../db/client.js';
import { enqueue, findOutboxByDedupeKey, type OutboxRow, queueCoalescedUpdateIn } from '../../db/repositories/outbox.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { metricNames, runsBetween, scopeOf } from '../../db/repositories/runs.js';
import { briefTargets, primaryMetric, runLabel } from '../../domain/experiments/summary.js';
import { runsDayRootMessage } from '../../messages/runs-day-thread.js';
import type { OutboxRenderer } from '../job-handlers.js';
import { MESSAGE_REFRESH_INTERVAL_MS } from '../message-refresh.js';

export const RUNS_DAY_RENDER_KIND = 'runs-day';
const DAY_MS = 86_400_000;

/** The UTC day a run belongs to for threading; one experiments thread per project per day. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

const rootKey = (project: Pick<ProjectRow, 'id'>, day: string) => `runs-thread:${project.id}:${day}`;

/** The root's payload until it is sent: which project and day to draw (see runsDayRenderer). */
const renderPayload = (project: Pick<ProjectRow, 'id' | 'slug'>, day: string) => ({
  render: { kind: RUNS_DAY_RENDER_KIND, projectId: project.id, day },
  text: `:test_tube: Experiment runs for ${project.slug} on ${day}`,
});

/**
 * The project's experiments thread of `day`, in the caller's transaction: queued once per day by
 * its dedupe key, so every run of the day — from `/mlops run` or the API — replies under one root.
 */
export async function dayThreadRoot(tx: Db, project: ProjectRow, day: string, now: Date): Promise<OutboxRow> {
  const key = rootKey(project, day);
  // Looked up first: after the day's first run the root exists, and a read costs less than an insert that conflicts.
  return (
    (await findOutboxByDedupeKey(tx, key)) ??
    (await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, payload: renderPayload(project, day), dedupeKey: key, now }))
  );
}

/**
 * Redraws the day's root after runs joined its thread, in the transaction that logged them: one
 * coalesced update per root however many runs (a batch of API runs asks once per root), none while
 * the root itself is still to be posted (it is drawn when sent, and will count them).
 */
export async function refreshDayThreadRoot(tx: Db, project: ProjectRow, root: OutboxRow, day: string, now: Date): Promise<void> {
  await queueCoalescedUpdateIn(tx, { teamId: project.teamId, channelId: root.channelId, targetId: root.id, payload: renderPayload(project, day), now, intervalMs: MESSAGE_REFRESH_INTERVAL_MS });
}

/** Draws a day's root (its post and each update) from the runs in the database as they are when it is sent. */
export const runsDayRenderer: OutboxRenderer = async (deps, row) => {
  const render = (row.payload as { render?: { projectId?: unknown; day?: unknown } }).render;
  const projectId = Number(render?.projectId);
  const day = typeof render?.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(render.day) ? render.day : null;
  if (!Number.isSafeInteger(projectId) || !day) throw new Error(`outbox ${row.id}: runs day render without a project id and day`);
  const project = await findProjectById(deps.db, row.teamId, projectId);
  if (!project) return null;
  const scope = scopeOf(project);
  const targets = briefTargets(project.brief);
  const metric = primaryMetric(targets, undefined, targets.length ? [] : await metricNames(deps.db, scope));
  const from = new Date(`${day}T00:00:00Z`);
  const { runs, best } = await runsBetween(deps.db, scope, metric, from, new Date(from.getTime() + DAY_MS));
  return runsDayRootMessage({
    projectSlug: project.slug,
    day,
    runs,
    metric,
    best: best ? { value: best.value, runLabel: runLabel(best.run) } : null,
    target: (metric && targets.find((t) => t.name === metric.name)) ?? null,
  });
};

import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueue, enqueueMany } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { bestByMetric, countRuns, lastRuns, leaderboard, metricNames, scopeOf } from '../../db/repositories/runs.js';
import { briefTargets, differingParams, primaryMetric, runLabel } from '../../domain/experiments/summary.js';
import { leaderboardMessage, type LeaderboardView } from '../../messages/leaderboard.js';

export const LEADERBOARD_SIZE = 10;
/** The chart shows at most this many runs (the latest), so points stay readable. */
export const CHART_MAX_RUNS = 100;
/** "Params that differ between the top runs" looks at this many of them. */
const TOP_FOR_PARAMS = 5;

export interface LeaderboardData {
  view: LeaderboardView;
  chart: { png: Buffer; filename: string; title: string } | null;
}

/**
 * The leaderboard without its chart, read from the database: what `/mlops runs` shows privately
 * before it is shared. Null when the project has no runs at all.
 */
export async function leaderboardView(deps: Deps, project: ProjectRow, opts: { metric?: string; lastN?: number }): Promise<LeaderboardView | null> {
  const scope = scopeOf(project);
  const totalRuns = await countRuns(deps.db, scope);
  if (totalRuns === 0) return null;
  const targets = briefTargets(project.brief);
  const reported = opts.metric || targets.length ? [] : await metricNames(deps.db, scope);
  const metric = primaryMetric(targets, opts.metric, reported);
  if (!metric) return null;
  const target = targets.find((t) => t.name === metric.name) ?? null;
  const rows = await leaderboard(deps.db, scope, metric, { limit: LEADERBOARD_SIZE, lastN: opts.lastN });
  const best = await bestByMetric(deps.db, scope, targets);
  return {
    projectSlug: project.slug,
    metric,
    target,
    rows,
    totalRuns,
    lastN: opts.lastN,
    differing: differingParams(rows.slice(0, TOP_FOR_PARAMS).map((r) => r.run)),
    bestVsTargets: targets.map((t) => ({ metric: t, best: best.get(t.name)?.value ?? null })),
  };
}

/** Everything a shared leaderboard shows, read from the database: null when the project has no runs at all. */
export async function leaderboardData(deps: Deps, project: ProjectRow, opts: { metric?: string; lastN?: number }): Promise<LeaderboardData | null> {
  const view = await leaderboardView(deps, project, opts);
  if (!view) return null;
  const scope = scopeOf(project);
  const { metric, target, rows } = view;
  if (rows.length === 0) return { view, chart: null };
  const recent = await lastRuns(deps.db, scope, Math.min(opts.lastN ?? CHART_MAX_RUNS, CHART_MAX_RUNS));
  const points = recent.filter((r) => r.metrics[metric.name] !== undefined).map((r) => ({ label: runLabel(r), value: r.metrics[metric.name]! }));
  const title = `${project.slug}: ${metric.name} per run`;
  try {
    // Loaded on first use: the chart libraries take about a second to import, which start-up need not pay.
    const { renderLineChart } = await import('../../charts/run-chart.js');
    const png = await renderLineChart({ title, points, ...(target ? { target: { value: target.target, direction: target.direction } } : {}), direction: metric.direction, width: 900, height: 450 });
    return { view, chart: { png, filename: `${project.slug}-${metric.name}.png`, title } };
  } catch (err) {
    // The leaderboard is the answer; the chart is extra, so a chart that cannot be drawn is logged and left out.
    deps.log.warn(`leaderboard chart for ${project.slug}/${metric.name} not drawn:`, err);
    return { view, chart: null };
  }
}

/**
 * Posts a leaderboard in the project's channel, its chart in the root's thread, through the outbox:
 * both are queued in one transaction before the person is told it is shared, so that is a promise
 * kept through Slack outages and restarts. The chart's file name carries the root's outbox id,
 * unique per post, which is how a retried upload finds an earlier one that reached Slack.
 * `dedupeKey` names one share (a Share click and its double clicks): with a key already used,
 * nothing is queued and the answer is false.
 */
export async function postLeaderboard(deps: Deps, project: ProjectRow, data: LeaderboardData, now: Date, share: { dedupeKey: string; sharedBy: string }): Promise<boolean> {
  const queued = await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    const base = { teamId: project.teamId, channelId: project.channelId, now };
    const payload = { ...leaderboardMessage(data.view, { sharedBy: share.sharedBy, asOf: now }) };
    // enqueueMany reports only the rows it wrote: none when this share was queued before.
    const [root] = await enqueueMany(tx, [{ ...base, method: 'chat.postMessage', payload, dedupeKey: share.dedupeKey }]);
    if (!root) return false;
    if (!data.chart) return true;
    const filename = data.chart.filename.replace(/\.png$/, `-${root.id}.png`);
    await enqueue(tx, { ...base, method: 'files.upload', parentId: root.id, payload: { file_base64: data.chart.png.toString('base64'), filename, title: data.chart.title } });
    return true;
  });
  if (queued) deps.kickOutbox();
  return queued;
}

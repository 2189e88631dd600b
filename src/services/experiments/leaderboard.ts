import type { TopLevelSpec } from 'vega-lite';
import type { RunsComparedInput } from '../../charts/runs-compared.js';
import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueue, enqueueMany } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type RunRow, bestByMetric, countRuns, lastRuns, leaderboard, metricNames, scopeOf } from '../../db/repositories/runs.js';
import { briefTargets, differingParams, directionOf, primaryMetric, runLabel } from '../../domain/experiments/summary.js';
import type { SuccessMetric } from '../../domain/metrics/success-metric.js';
import { leaderboardMessage, type LeaderboardView } from '../../messages/leaderboard.js';

export const LEADERBOARD_SIZE = 10;
/** The chart shows at most this many runs (the latest), so points stay readable. */
export const CHART_MAX_RUNS = 100;
/** "Params that differ between the top runs" looks at this many of them. */
const TOP_FOR_PARAMS = 5;
/** The comparison chart: this many top runs (one colour each), across at most this many metrics (one panel each). */
const COMPARED_RUNS = 5;
const COMPARED_METRICS = 6;

/** A chart posted in the leaderboard's thread; `spec` is the Vega-Lite spec it was drawn from (also inside the PNG). */
export interface LeaderboardChart {
  png: Buffer;
  filename: string;
  title: string;
  spec?: TopLevelSpec;
}

export interface LeaderboardData {
  view: LeaderboardView;
  /** In posting order: the primary metric over time, then the top runs compared; none when nothing can be drawn. */
  charts: LeaderboardChart[];
}

/** Metric names may hold `/` (val/auc): never in a file name. */
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '-');

/**
 * The leaderboard without its chart, read from the database: what `/mlops runs` shows privately
 * before it is shared. Null when the project has no runs at all.
 */
/** The view with its rows as stored, so the charts can read every metric of the top runs. */
type StoredLeaderboardView = Omit<LeaderboardView, 'rows'> & { rows: { run: RunRow; value: number }[] };

export async function leaderboardView(deps: Deps, project: ProjectRow, opts: { metric?: string; lastN?: number }): Promise<StoredLeaderboardView | null> {
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

/** Everything a shared leaderboard shows, with its charts, read from the database: null when the project has no runs at all. */
export async function leaderboardData(deps: Deps, project: ProjectRow, opts: { metric?: string; lastN?: number }): Promise<LeaderboardData | null> {
  const view = await leaderboardView(deps, project, opts);
  if (!view) return null;
  const scope = scopeOf(project);
  const targets = briefTargets(project.brief);
  const { metric, target, rows } = view;
  if (rows.length === 0) return { view, charts: [] };
  const recent = await lastRuns(deps.db, scope, Math.min(opts.lastN ?? CHART_MAX_RUNS, CHART_MAX_RUNS));
  // Loaded on first use: the chart libraries take about a second to import, which start-up need not pay.
  const [{ metricOverTimeSpec }, { runsComparedSpec }, { renderSpec }] = await Promise.all([
    import('../../charts/metric-over-time.js'),
    import('../../charts/runs-compared.js'),
    import('../../charts/render.js'),
  ]);
  const specs: { filename: string; title: string; spec: () => TopLevelSpec }[] = [];
  const overTime = `${project.slug}: ${metric.name} over time`;
  specs.push({
    filename: `${project.slug}-${fileSafe(metric.name)}-over-time.png`,
    title: overTime,
    spec: () =>
      metricOverTimeSpec({
        title: overTime,
        metric: metric.name,
        direction: metric.direction,
        ...(target ? { target: target.target } : {}),
        points: recent.filter((r) => r.metrics[metric.name] !== undefined).map((r) => ({ label: runLabel(r), value: r.metrics[metric.name]!, at: r.createdAt })),
      }),
  });
  const compared = comparedRuns(rows.map((r) => r.run), metric.name, targets);
  if (compared) {
    const title = `${project.slug}: top ${compared.runs.length} runs by ${metric.name}, compared`;
    specs.push({ filename: `${project.slug}-top-runs-compared.png`, title, spec: () => runsComparedSpec({ title, ...compared }) });
  }
  // Drawn side by side: each rasterises on libuv's thread pool while the other is laid out.
  const drawn = await Promise.all(
    specs.map(async (c): Promise<LeaderboardChart | null> => {
      try {
        const spec = c.spec();
        return { png: await renderSpec(spec), filename: c.filename, title: c.title, spec };
      } catch (err) {
        // The leaderboard is the answer; a chart is extra, so one that cannot be drawn is logged and left out.
        deps.log.warn(`leaderboard chart ${c.filename} for ${project.slug} not drawn:`, err);
        return null;
      }
    }),
  );
  return { view, charts: drawn.filter((c): c is LeaderboardChart => c !== null) };
}

/**
 * What the comparison chart shows: the top runs (up to COMPARED_RUNS, best first) across the
 * brief's target metrics that any of them reports, else the metrics all of them report (the
 * ranking metric first), up to COMPARED_METRICS. Null with fewer than two runs: nothing to compare.
 */
export function comparedRuns(top: Pick<RunRow, 'id' | 'name' | 'metrics'>[], primary: string, targets: SuccessMetric[]): Pick<RunsComparedInput, 'metrics' | 'runs'> | null {
  const runs = top.slice(0, COMPARED_RUNS);
  if (runs.length < 2) return null;
  const reportedByAny = targets.filter((t) => runs.some((r) => r.metrics[t.name] !== undefined));
  const shared = Object.keys(runs[0]!.metrics)
    .filter((name) => runs.every((r) => r.metrics[name] !== undefined))
    .sort((a, b) => Number(b === primary) - Number(a === primary) || a.localeCompare(b));
  const metrics = reportedByAny.length
    ? reportedByAny.map((t) => ({ name: t.name, direction: t.direction, target: t.target }))
    : shared.map((name) => ({ name, direction: directionOf(name, targets) }));
  if (metrics.length === 0) return null;
  return {
    metrics: metrics.slice(0, COMPARED_METRICS),
    runs: runs.map((r) => ({ label: runLabel(r), values: r.metrics })),
  };
}

/**
 * Posts a leaderboard in the project's channel, its charts in the root's thread (in order), through
 * the outbox: all are queued in one transaction before the person is told it is shared, so that is
 * a promise kept through Slack outages and restarts. Each chart's file name carries the root's
 * outbox id, unique per post, which is how a retried upload finds an earlier one that reached Slack.
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
    for (const chart of data.charts) {
      const filename = chart.filename.replace(/\.png$/, `-${root.id}.png`);
      await enqueue(tx, { ...base, method: 'files.upload', parentId: root.id, payload: { file_base64: chart.png.toString('base64'), filename, title: chart.title } });
    }
    return true;
  });
  if (queued) deps.kickOutbox();
  return queued;
}

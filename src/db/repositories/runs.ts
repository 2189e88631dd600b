import { and, asc, count, desc, eq, gte, inArray, lt, lte, max, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../client.js';
import { runMetrics, runs } from '../schema/index.js';

export type RunRow = typeof runs.$inferSelect;

/** A project as every runs query needs it: the workspace is part of every lookup. */
export interface ProjectScope {
  teamId: string;
  projectId: number;
}

/** Every runs query is scoped by workspace and project; this builds the scope from a project row. */
export const scopeOf = (project: { teamId: string; id: number }): ProjectScope => ({ teamId: project.teamId, projectId: project.id });

export interface MetricRef {
  name: string;
  direction: 'maximize' | 'minimize';
}

export interface NewRun {
  name?: string | null;
  authorId: string;
  source: RunRow['source'];
  metrics: Record<string, number>;
  params: Record<string, string>;
  dataset?: string | null;
  commitSha?: string | null;
  note?: string | null;
  url?: string | null;
  tags?: Record<string, string>;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  now: Date;
}

export type InsertRunResult = { kind: 'created'; run: RunRow } | { kind: 'replayed'; run: RunRow } | { kind: 'conflict'; run: RunRow };

/**
 * Inserts a run and its metric rows inside the caller's transaction (a Slack run queues its summary
 * in it; API runs are written in batches by insertRunsBatch). With an idempotency key already used
 * in this project, nothing is written: the earlier run comes back as `replayed` when the request
 * hash matches, `conflict` otherwise. The unique index decides, so concurrent retries create one run.
 */
export async function insertRunIn(tx: Db, scope: ProjectScope, r: NewRun): Promise<InsertRunResult> {
  const [row] = await tx
    .insert(runs)
    .values({
      teamId: scope.teamId,
      projectId: scope.projectId,
      name: r.name ?? null,
      authorId: r.authorId,
      source: r.source,
      metrics: r.metrics,
      params: r.params,
      dataset: r.dataset ?? null,
      commitSha: r.commitSha ?? null,
      note: r.note ?? null,
      url: r.url ?? null,
      tags: r.tags ?? {},
      idempotencyKey: r.idempotencyKey ?? null,
      requestHash: r.requestHash ?? null,
      createdAt: r.now,
    })
    .onConflictDoNothing()
    .returning();
  if (row) {
    const metricRows = Object.entries(r.metrics).map(([name, value]) => ({ runId: row.id, projectId: scope.projectId, name, value }));
    if (metricRows.length) await tx.insert(runMetrics).values(metricRows);
    return { kind: 'created', run: row };
  }
  const existing = r.idempotencyKey ? await findRunByIdempotencyKey(tx, scope, r.idempotencyKey) : undefined;
  if (!existing) throw new Error('run insert conflicted without an idempotency key');
  return { kind: existing.requestHash === (r.requestHash ?? null) ? 'replayed' : 'conflict', run: existing };
}

/** A run of a batch (see insertRunsBatch): its id reserved beforehand with reserveRunIds. */
export interface BatchRun extends NewRun {
  id: number;
  scope: ProjectScope;
}

/** `n` run ids from the runs' sequence, for rows written by insertRunsBatch. */
export async function reserveRunIds(tx: Db, n: number): Promise<number[]> {
  const res = await tx.execute(sql`select nextval(pg_get_serial_sequence('runs', 'id')) as id from generate_series(1, ${n}::int)`);
  return rowsOf<{ id: string | number }>(res).map((r) => Number(r.id));
}

/** A runs row as a raw query returns it (snake case, int8 as text on pg). */
interface RawRun {
  id: string | number;
  team_id: string;
  project_id: string | number;
  name: string | null;
  author_id: string;
  source: RunRow['source'];
  metrics: Record<string, number>;
  params: Record<string, string>;
  dataset: string | null;
  commit_sha: string | null;
  note: string | null;
  url: string | null;
  tags: Record<string, string>;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: Date | string;
}

const runOfRaw = (r: RawRun): RunRow => ({
  id: Number(r.id),
  teamId: r.team_id,
  projectId: Number(r.project_id),
  name: r.name,
  authorId: r.author_id,
  source: r.source,
  metrics: r.metrics,
  params: r.params,
  dataset: r.dataset,
  commitSha: r.commit_sha,
  note: r.note,
  url: r.url,
  tags: r.tags,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  createdAt: new Date(r.created_at),
});

/**
 * Inserts many runs and their metric rows with two statements (the rows travel as one JSON
 * parameter), inside the caller's transaction. A run whose Idempotency-Key is already used in its
 * project (by an earlier run, or by another run of this batch) is not written; the runs that were
 * written come back. Ids come from reserveRunIds, so the caller knows which input each row is.
 */
export async function insertRunsBatch(tx: Db, batch: BatchRun[]): Promise<RunRow[]> {
  if (batch.length === 0) return [];
  const input = batch.map((r) => ({
    id: r.id,
    team_id: r.scope.teamId,
    project_id: r.scope.projectId,
    name: r.name ?? null,
    author_id: r.authorId,
    source: r.source,
    metrics: r.metrics,
    params: r.params,
    dataset: r.dataset ?? null,
    commit_sha: r.commitSha ?? null,
    note: r.note ?? null,
    url: r.url ?? null,
    tags: r.tags ?? {},
    idempotency_key: r.idempotencyKey ?? null,
    request_hash: r.requestHash ?? null,
    created_at: r.now.toISOString(),
  }));
  const res = await tx.execute(sql`
    insert into ${runs} (id, team_id, project_id, name, author_id, source, metrics, params, dataset, commit_sha, note, url, tags, idempotency_key, request_hash, created_at)
    select id, team_id, project_id, name, author_id, source, metrics, params, dataset, commit_sha, note, url, tags, idempotency_key, request_hash, created_at
    from json_to_recordset(${JSON.stringify(input)}::json) as r(id bigint, team_id text, project_id bigint, name text, author_id text, source text, metrics jsonb, params jsonb, dataset text, commit_sha text, note text, url text, tags jsonb, idempotency_key text, request_hash text, created_at timestamptz)
    on conflict do nothing
    returning *`);
  const created = rowsOf<RawRun>(res).map(runOfRaw);
  const metricRows = created.flatMap((run) => Object.entries(run.metrics).map(([name, value]) => ({ run_id: run.id, project_id: run.projectId, name, value })));
  if (metricRows.length) {
    await tx.execute(sql`
      insert into ${runMetrics} (run_id, project_id, name, value)
      select run_id, project_id, name, value from json_to_recordset(${JSON.stringify(metricRows)}::json) as m(run_id bigint, project_id bigint, name text, value float8)`);
  }
  return created;
}

/** The runs of a project holding these Idempotency-Keys. */
export async function findRunsByIdempotencyKeys(db: Db, scope: ProjectScope, keys: string[]): Promise<RunRow[]> {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), inArray(runs.idempotencyKey, keys)));
}

export async function findRunByIdempotencyKey(db: Db, scope: ProjectScope, key: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), eq(runs.idempotencyKey, key)));
  return row;
}

export async function findRun(db: Db, scope: ProjectScope, runId: number): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), eq(runs.id, runId)));
  return row;
}

/** Newest first; `beforeId` is the cursor (the last id of the previous page). */
export async function listRuns(db: Db, scope: ProjectScope, opts: { limit: number; beforeId?: number }): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), opts.beforeId !== undefined ? lt(runs.id, opts.beforeId) : undefined))
    .orderBy(desc(runs.id))
    .limit(opts.limit);
}

/** The last `n` runs in time order (oldest of them first). */
export async function lastRuns(db: Db, scope: ProjectScope, n: number): Promise<RunRow[]> {
  const rows = await listRuns(db, scope, { limit: n });
  return rows.reverse();
}

export async function countRuns(db: Db, scope: ProjectScope): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId)));
  return Number(row?.n ?? 0);
}

/** When the project's latest run was logged; null before the first one. */
export async function lastRunAt(db: Db, scope: ProjectScope): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(runs.createdAt) })
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId)));
  return row?.at ? new Date(row.at) : null;
}

export interface BestValue {
  name: string;
  value: number;
  runId: number;
  runName: string | null;
}

const list = (items: SQL[]) => sql.join(items, sql`, `);

/**
 * The project id, but only if the project is in the scope's workspace: metric rows carry no team,
 * so queries on them are scoped through this one-row lookup rather than a join per row.
 */
const scopedProjectId = (scope: ProjectScope) => sql`(select p.id from projects p where p.id = ${scope.projectId} and p.team_id = ${scope.teamId})`;

/**
 * The best value of each metric over the project's runs (only runs before `beforeRunId` when
 * given), in its direction. One index probe per metric on (project, name, value); which of
 * several runs tied at the best value is named is not specified.
 */
export async function bestByMetric(db: Db, scope: ProjectScope, metrics: MetricRef[], opts: { beforeRunId?: number } = {}): Promise<Map<string, BestValue>> {
  const out = new Map<string, BestValue>();
  if (metrics.length === 0) return out;
  const before = opts.beforeRunId !== undefined ? sql`and m.run_id < ${opts.beforeRunId}` : sql``;
  const part = (names: string[], order: SQL) =>
    sql`select n.name, b.value, b.run_id, r.name as run_name
        from (values ${list(names.map((n) => sql`(${n}::text)`))}) as n(name)
        cross join lateral (
          select m.value, m.run_id from run_metrics m
          where m.project_id = ${scopedProjectId(scope)} and m.name = n.name ${before}
          order by m.value ${order} limit 1
        ) b
        join runs r on r.id = b.run_id`;
  const maxNames = metrics.filter((m) => m.direction === 'maximize').map((m) => m.name);
  const minNames = metrics.filter((m) => m.direction === 'minimize').map((m) => m.name);
  const parts = [...(maxNames.length ? [part(maxNames, sql`desc`)] : []), ...(minNames.length ? [part(minNames, sql`asc`)] : [])];
  const res = await db.execute(sql.join(parts, sql` union all `));
  for (const r of rowsOf<{ name: string; value: number | string; run_id: number | string; run_name: string | null }>(res)) {
    out.set(r.name, { name: r.name, value: Number(r.value), runId: Number(r.run_id), runName: r.run_name });
  }
  return out;
}

/**
 * 1-based rank of `value` among the runs up to and including `throughRunId` that report `metric`
 * (ties share a rank), and how many runs that is: the same figure whenever it is asked, however
 * many runs came later. One index-only scan of (project, name, value, run_id); the count is linear
 * in the project's runs (about 10 ms at 100,000), which is why it is asked when a summary is sent,
 * not while a run is logged.
 */
export async function rankOf(db: Db, scope: ProjectScope, metric: MetricRef, value: number, opts: { throughRunId: number }): Promise<{ position: number; of: number }> {
  const better = metric.direction === 'maximize' ? sql`${runMetrics.value} > ${value}` : sql`${runMetrics.value} < ${value}`;
  const [row] = await db
    .select({ better: sql<number>`count(*) filter (where ${better})`, total: count() })
    .from(runMetrics)
    .where(and(sql`${runMetrics.projectId} = ${scopedProjectId(scope)}`, eq(runMetrics.name, metric.name), lte(runMetrics.runId, opts.throughRunId)));
  return { position: Number(row?.better ?? 0) + 1, of: Number(row?.total ?? 0) };
}

/** Whether a run before `beforeRunId` already met every one of `targets`. */
export async function earlierRunMetAll(db: Db, scope: ProjectScope, targets: (MetricRef & { target: number })[], beforeRunId: number): Promise<boolean> {
  if (targets.length === 0) return false;
  const conds = targets.map((t) =>
    t.direction === 'maximize' ? sql`(m.name = ${t.name} and m.value >= ${t.target})` : sql`(m.name = ${t.name} and m.value <= ${t.target})`,
  );
  const res = await db.execute(sql`
    select 1 from run_metrics m
    where m.project_id = ${scopedProjectId(scope)} and m.run_id < ${beforeRunId} and (${sql.join(conds, sql` or `)})
    group by m.run_id having count(*) = ${targets.length} limit 1`);
  return rowsOf(res).length > 0;
}

export interface LeaderboardRow {
  run: RunRow;
  value: number;
}

/**
 * Runs ranked by `metric`, best first (ties: earlier run first). With `lastN`, only the project's
 * last N runs compete.
 */
export async function leaderboard(db: Db, scope: ProjectScope, metric: MetricRef, opts: { limit: number; lastN?: number }): Promise<LeaderboardRow[]> {
  const order = metric.direction === 'maximize' ? desc(runMetrics.value) : asc(runMetrics.value);
  const floor = opts.lastN !== undefined ? await nthNewestRunId(db, scope, opts.lastN) : undefined;
  const rows = await db
    .select({ run: runs, value: runMetrics.value })
    .from(runMetrics)
    .innerJoin(runs, and(eq(runs.id, runMetrics.runId), eq(runs.teamId, scope.teamId)))
    .where(and(eq(runMetrics.projectId, scope.projectId), eq(runMetrics.name, metric.name), floor !== undefined ? sql`${runMetrics.runId} >= ${floor}` : undefined))
    .orderBy(order, asc(runMetrics.runId))
    .limit(opts.limit);
  return rows.map((r) => ({ run: r.run, value: Number(r.value) }));
}

async function nthNewestRunId(db: Db, scope: ProjectScope, n: number): Promise<number> {
  const rows = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId)))
    .orderBy(desc(runs.id))
    .limit(1)
    .offset(Math.max(0, n - 1));
  // Fewer than n runs: every run competes.
  return rows[0]?.id ?? 0;
}

/** The metric names the project's runs report, most used first: a primary metric when the brief sets none. */
export async function metricNames(db: Db, scope: ProjectScope): Promise<string[]> {
  const rows = await db
    .select({ name: runMetrics.name, n: count() })
    .from(runMetrics)
    .innerJoin(runs, and(eq(runs.id, runMetrics.runId), eq(runs.teamId, scope.teamId)))
    .where(eq(runMetrics.projectId, scope.projectId))
    .groupBy(runMetrics.name)
    .orderBy(desc(count()), asc(runMetrics.name));
  return rows.map((r) => r.name);
}

/** The project's latest run with this name (names need not be unique: the newest one is meant). */
export async function findRunByName(db: Db, scope: ProjectScope, name: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), eq(runs.name, name)))
    .orderBy(desc(runs.id))
    .limit(1);
  return row;
}

/** The project's newest run logged at or before `at` (a gate's evidence is as of its opening). */
export async function lastRunAsOf(db: Db, scope: ProjectScope, at: Date): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), lte(runs.createdAt, at)))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(1);
  return row;
}

/**
 * The runs logged in [from, to) (a UTC day's experiments thread): how many, and the best value of
 * `metric` among them in its direction with the run that reached it (ties: the earlier run). Read
 * when the day's thread root is drawn, at most once per message refresh, not while a run is logged.
 */
export async function runsBetween(db: Db, scope: ProjectScope, metric: MetricRef | null, from: Date, to: Date): Promise<{ runs: number; best: { value: number; run: RunRow } | null }> {
  const inRange = and(eq(runs.teamId, scope.teamId), eq(runs.projectId, scope.projectId), gte(runs.createdAt, from), lt(runs.createdAt, to));
  const [counted] = await db.select({ n: count() }).from(runs).where(inRange);
  if (!metric || Number(counted?.n ?? 0) === 0) return { runs: Number(counted?.n ?? 0), best: null };
  const [top] = await db
    .select({ run: runs, value: runMetrics.value })
    .from(runMetrics)
    .innerJoin(runs, eq(runs.id, runMetrics.runId))
    .where(and(inRange, eq(runMetrics.projectId, scope.projectId), eq(runMetrics.name, metric.name)))
    .orderBy(metric.direction === 'maximize' ? desc(runMetrics.value) : asc(runMetrics.value), asc(runMetrics.runId))
    .limit(1);
  return { runs: Number(counted?.n ?? 0), best: top ? { value: Number(top.value), run: top.run } : null };
}

import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueueMany, type OutboxRow } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import {
  type BatchRun,
  findRunsByIdempotencyKeys,
  insertRunsBatch,
  type InsertRunResult,
  type NewRun,
  reserveRunIds,
  type RunRow,
  scopeOf,
} from '../../db/repositories/runs.js';
import { addTimers } from '../../db/repositories/schedules.js';
import { groupCommit, type Settled } from '../../shared/group-commit.js';
import { RUN_NARRATIVE_TIMER } from './run-narrative.js';
import { summaryRenderPayload } from './summary-renderer.js';
import { queueHomeRefreshAfterRuns } from '../projects/home-refresh.js';
import { dayThreadRoot, refreshDayThreadRoot, utcDay } from './day-thread.js';

/** Runs written in one transaction at most; more waiting go in the next. */
const MAX_BATCH = 100;

interface ApiRunRequest {
  deps: Deps;
  project: ProjectRow;
  run: NewRun;
}

/**
 * One group-commit queue per database (in practice, per app): the state of an optimisation, keyed
 * by the database the caller passes, not a dependency of its own.
 */
const queues = new WeakMap<Db, (r: ApiRunRequest) => Promise<InsertRunResult>>();

/**
 * Logs a run from the API and queues its summary (and, with an LLM, its narrative's timer) in one
 * transaction, committed before the response; a 409 (`conflict`) writes nothing. Concurrent
 * requests share that transaction (group commit, see logApiRunsIn); a batch that fails is retried
 * one request at a time, so one request's failure is never another's. A replay (same
 * Idempotency-Key and body) returns the run it created, whose summary was queued with it.
 */
export async function logApiRun(deps: Deps, project: ProjectRow, run: NewRun): Promise<InsertRunResult> {
  let queue = queues.get(deps.db);
  if (!queue) {
    queue = groupCommit(writeBatch, { maxBatch: MAX_BATCH });
    queues.set(deps.db, queue);
  }
  return queue({ deps, project, run });
}

async function writeBatch(batch: ApiRunRequest[]): Promise<Settled<InsertRunResult>[]> {
  const { deps } = batch[0]!;
  if (batch.length > 1) {
    try {
      return (await writeInOneTransaction(deps, batch)).map((value) => ({ ok: true, value }));
    } catch (err) {
      deps.log.warn(`a batch of ${batch.length} API runs failed (${(err as Error).message}); writing them one at a time`);
    }
  }
  return Promise.all(
    batch.map(async (r): Promise<Settled<InsertRunResult>> => {
      try {
        return { ok: true, value: (await writeInOneTransaction(r.deps, [r]))[0]! };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
}

async function writeInOneTransaction(deps: Deps, batch: ApiRunRequest[]): Promise<InsertRunResult[]> {
  const results = await deps.db.transaction((tx) => logApiRunsIn(deps, tx, batch));
  if (results.some((r) => r.kind === 'created')) deps.kickOutbox();
  return results;
}

/**
 * Many API requests in the caller's transaction, with a few statements whatever their number: the
 * runs and their metric rows, the day's thread roots that do not exist yet, the summaries (drawn
 * when sent), the Home redraws of the projects' people (when a run reports the primary metric),
 * and with an LLM the narratives' timers. A request whose Idempotency-Key is taken —
 * by an earlier run or by another request of this batch — writes nothing and gets that run back,
 * `replayed` or `conflict` by its body's hash, by the same rule as insertRunIn.
 */
async function logApiRunsIn(deps: Deps, tx: Db, batch: ApiRunRequest[]): Promise<InsertRunResult[]> {
  const ids = await reserveRunIds(tx, batch.length);
  const rows: BatchRun[] = batch.map((r, i) => ({ ...r.run, id: ids[i]!, scope: scopeOf(r.project) }));
  // Keys in one order in every batch: two batches racing on the same keys wait rather than deadlock.
  const byKey = [...rows].sort((a, b) => (a.idempotencyKey ?? '').localeCompare(b.idempotencyKey ?? ''));
  const created = new Map((await insertRunsBatch(tx, byKey)).map((run) => [run.id, run]));

  const taken = new Map<string, RunRow>();
  const projects = new Map(batch.map((r) => [r.project.id, r.project]));
  for (const project of projects.values()) {
    const keys = rows.filter((r, i) => !created.has(r.id) && batch[i]!.project.id === project.id).map((r) => r.idempotencyKey);
    if (keys.some((k) => !k)) throw new Error('run insert conflicted without an idempotency key');
    for (const run of await findRunsByIdempotencyKeys(tx, scopeOf(project), keys as string[])) taken.set(`${project.id}:${run.idempotencyKey}`, run);
  }
  const results = rows.map((r, i): InsertRunResult => {
    const run = created.get(r.id);
    if (run) return { kind: 'created', run };
    const existing = taken.get(`${batch[i]!.project.id}:${r.idempotencyKey}`);
    if (!existing) throw new Error(`run with Idempotency-Key ${r.idempotencyKey} neither written nor found`);
    return { kind: existing.requestHash === (r.requestHash ?? null) ? 'replayed' : 'conflict', run: existing };
  });

  const fresh = batch.flatMap((r, i) => (results[i]!.kind === 'created' ? [{ project: r.project, run: results[i]!.run, now: r.run.now }] : []));
  const roots = new Map<string, { root: OutboxRow; project: ProjectRow; day: string; now: Date }>();
  for (const f of fresh) {
    const key = rootKey(f.project, f.run);
    const day = utcDay(f.run.createdAt);
    if (!roots.has(key)) roots.set(key, { root: await dayThreadRoot(tx, f.project, day, f.now), project: f.project, day, now: f.now });
  }
  const queued = await enqueueMany(
    tx,
    fresh.map((f) => ({
      teamId: f.project.teamId,
      method: 'chat.postMessage' as const,
      channelId: f.project.channelId,
      payload: summaryRenderPayload(f.run),
      dedupeKey: summaryKey(f.run),
      parentId: roots.get(rootKey(f.project, f.run))!.root.id,
      now: f.now,
    })),
  );
  // The day's root counts the runs that joined it: one redraw per root for the whole batch.
  for (const r of roots.values()) await refreshDayThreadRoot(tx, r.project, r.root, r.day, r.now);
  if (fresh.length > 0) {
    const latest = fresh.reduce((t, f) => (f.now.getTime() > t.getTime() ? f.now : t), fresh[0]!.now);
    await queueHomeRefreshAfterRuns(tx, fresh.map((f) => ({ project: f.project, metrics: f.run.metrics })), latest);
  }
  if (deps.llm) {
    const outboxIds = new Map(queued.map((q) => [q.dedupeKey, q.id]));
    await addTimers(
      tx,
      fresh.map((f) => ({ teamId: f.run.teamId, kind: RUN_NARRATIVE_TIMER, ref: `run:${f.run.id}`, dueAt: f.run.createdAt, payload: { projectId: f.project.id, summaryOutboxId: outboxIds.get(summaryKey(f.run))! } })),
    );
  }
  return results;
}

const rootKey = (project: ProjectRow, run: RunRow) => `runs-thread:${project.id}:${utcDay(run.createdAt)}`;
const summaryKey = (run: RunRow) => `run-summary:${run.id}`;

import type { Deps } from '../../deps.js';
import { enqueue, findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Db } from '../../db/client.js';
import { insertRunIn, type InsertRunResult, type NewRun, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import { runsThreadRoot } from '../../messages/run-summary.js';
import { queueRunSummary } from './queue-summary.js';

/** The UTC day a run belongs to for threading; one experiments thread per project per day. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

export type ApiRunOutcome = { result: Exclude<InsertRunResult, { kind: 'conflict' }>; queued: { outboxId: number } } | { result: Extract<InsertRunResult, { kind: 'conflict' }> };

/**
 * Logs a run from the API and queues its summary (and, with an LLM, its narrative's timer) in one
 * transaction: the run and everything that follows from it are committed together (one commit per
 * request) before the response, and a 409 writes nothing. A replay (same
 * Idempotency-Key and body) queues under the same dedupe keys, which return the rows already
 * there, so it never posts twice.
 */
export async function logApiRun(deps: Deps, project: ProjectRow, run: NewRun): Promise<ApiRunOutcome> {
  const outcome = await deps.db.transaction(async (tx): Promise<ApiRunOutcome> => {
    const db: Db = tx;
    const result = await insertRunIn(db, scopeOf(project), run);
    if (result.kind === 'conflict') return { result };
    return { result, queued: await enqueueApiRunSummary(deps, db, project, result.run, run.now) };
  });
  if ('queued' in outcome) deps.kickOutbox();
  return outcome;
}

/**
 * Queues an API-logged run's summary as a reply in the project's experiments thread of the day
 * (the root is queued once per day by its dedupe key). Keyed by run id, so a replayed request
 * (same Idempotency-Key) never posts a second summary. Returns the summary's outbox id.
 */
export async function enqueueApiRunSummary(deps: Deps, tx: Db, project: ProjectRow, run: RunRow, now: Date): Promise<{ outboxId: number }> {
  const day = utcDay(run.createdAt);
  const rootKey = `runs-thread:${project.id}:${day}`;
  // Looked up first: after the day's first run the root exists, and a read costs less than an insert that conflicts.
  const root =
    (await findOutboxByDedupeKey(tx, rootKey)) ??
    (await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, payload: runsThreadRoot(project.slug, day), dedupeKey: rootKey, now }));
  return queueRunSummary(deps, tx, project, run, { parentId: root.id, now });
}

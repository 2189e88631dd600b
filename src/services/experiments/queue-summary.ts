import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueue } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { RunRow } from '../../db/repositories/runs.js';
import type { RunSummary } from '../../domain/experiments/summary.js';
import { queueRunNarrative } from './run-narrative.js';
import { summarizeStoredRun, summaryMessage } from './summarize.js';

/**
 * Queues a stored run's summary message, and with an LLM configured its narrative timer, inside
 * the caller's transaction (`tx`), for runs from Slack and from the API alike: once that commits,
 * the summary and its narrative are the outbox's and the timers' to deliver, whatever happens to
 * this process. Keyed by run id, so queueing it again (an API replay) returns the row already there.
 */
export async function queueRunSummary(
  deps: Deps,
  tx: Db,
  project: ProjectRow,
  run: RunRow,
  where: { parentId?: number; now: Date },
): Promise<{ outboxId: number; summary: RunSummary }> {
  // Figures from the transaction's view: the run just inserted is in its own rank.
  const summary = await summarizeStoredRun({ ...deps, db: tx }, project, run);
  const row = await enqueue(tx, {
    teamId: project.teamId,
    method: 'chat.postMessage',
    channelId: project.channelId,
    payload: summaryMessage(project, run, summary),
    dedupeKey: `run-summary:${run.id}`,
    parentId: where.parentId,
    now: where.now,
  });
  if (deps.llm) await queueRunNarrative(tx, run, { projectId: project.id, summaryOutboxId: row.id, summary });
  return { outboxId: row.id, summary };
}

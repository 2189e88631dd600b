import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueue } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { RunRow } from '../../db/repositories/runs.js';
import { queueRunNarrative } from './run-narrative.js';
import { summaryRenderPayload } from './summary-renderer.js';

/**
 * Queues a stored run's summary message, and with an LLM configured its narrative timer, inside
 * the caller's transaction (`tx`), for runs from Slack and from the API alike: once that commits,
 * the summary and its narrative are the outbox's and the timers' to deliver, whatever happens to
 * this process. The message is drawn when it is sent (see summary-renderer.ts). Keyed by run id, so
 * queueing it again (an API replay) returns the row already there.
 */
export async function queueRunSummary(deps: Deps, tx: Db, project: ProjectRow, run: RunRow, where: { parentId?: number; now: Date }): Promise<{ outboxId: number }> {
  const row = await enqueue(tx, {
    teamId: project.teamId,
    method: 'chat.postMessage',
    channelId: project.channelId,
    payload: summaryRenderPayload(run),
    dedupeKey: `run-summary:${run.id}`,
    parentId: where.parentId,
    now: where.now,
  });
  if (deps.llm) await queueRunNarrative(tx, run, { projectId: project.id, summaryOutboxId: row.id });
  return { outboxId: row.id };
}

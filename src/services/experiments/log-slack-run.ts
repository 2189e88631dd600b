import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { insertRunIn, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import type { RunInput } from '../../domain/experiments/run-input.js';
import { queueRunSummary } from './queue-summary.js';
import { queueHomeRefreshAfterRuns } from '../projects/home-refresh.js';

/**
 * Logs a run typed with `/mlops run`. The run and its summary message (and the narrative's timer,
 * with an LLM, and the Home redraws of the project's people) are committed in one transaction before the command is acknowledged, so "Logged"
 * means stored, and the summary reaches the channel through the outbox even if this process dies
 * right after the ack or Slack is failing then.
 */
export async function logSlackRun(deps: Deps, project: ProjectRow, authorId: string, input: RunInput): Promise<RunRow> {
  const now = deps.clock.now();
  const run = await deps.db.transaction(async (tx) => {
    const db: Db = tx;
    const result = await insertRunIn(db, scopeOf(project), {
      name: input.name,
      authorId,
      source: 'slack',
      metrics: input.metrics,
      params: input.params,
      dataset: input.dataset,
      commitSha: input.commit,
      note: input.note,
      url: input.url,
      tags: input.tags,
      now,
    });
    // Without an idempotency key an insert always creates.
    await queueRunSummary(deps, db, project, result.run, { now });
    await queueHomeRefreshAfterRuns(db, [{ project, metrics: result.run.metrics }], now);
    return result.run;
  });
  deps.kickOutbox();
  return run;
}

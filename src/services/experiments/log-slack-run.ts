import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { insertRunIn, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import type { RunInput } from '../../domain/experiments/run-input.js';
import { queueRunSummary } from './queue-summary.js';
import { queueHomeRefreshAfterRuns } from '../projects/home-refresh.js';
import { permalinksFor } from '../permalinks.js';
import { dayThreadRoot, refreshDayThreadRoot, utcDay } from './day-thread.js';

/** A logged run, and where its summary goes: the day's experiments thread (its permalink once Slack gave one). */
export interface LoggedSlackRun {
  run: RunRow;
  thread: { permalink: string | null };
  /**
   * After the ack: asks Slack for the thread's permalink if it is posted and has none yet, so the
   * next run's answer can link it (a Slack call the ack itself should not wait for).
   */
  afterAck: () => Promise<void>;
}

/**
 * Logs a run typed with `/mlops run`. The run, its summary message in the project's experiments
 * thread of the day (the same thread as the day's API runs), the redraw of that thread's root, and
 * (with an LLM) the narrative's timer and the Home redraws of the project's people are committed
 * in one transaction before the command is acknowledged, so "Logged" means stored, and the summary
 * reaches the channel through the outbox even if this process dies right after the ack or Slack is
 * failing then.
 */
export async function logSlackRun(deps: Deps, project: ProjectRow, authorId: string, input: RunInput): Promise<LoggedSlackRun> {
  const now = deps.clock.now();
  const logged = await deps.db.transaction(async (tx) => {
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
    const day = utcDay(result.run.createdAt);
    const root = await dayThreadRoot(db, project, day, now);
    await queueRunSummary(deps, db, project, result.run, { parentId: root.id, now });
    await refreshDayThreadRoot(db, project, root, day, now);
    await queueHomeRefreshAfterRuns(db, [{ project, metrics: result.run.metrics }], now);
    return { run: result.run, root };
  });
  deps.kickOutbox();
  const { root } = logged;
  return {
    run: logged.run,
    thread: { permalink: root.permalink },
    afterAck: async () => {
      if (root.ts && !root.permalink) await permalinksFor(deps, project.teamId, [root.id]);
    },
  };
}

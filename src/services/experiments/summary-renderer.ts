import { findProjectById } from '../../db/repositories/projects.js';
import { findRun, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import { runLabel } from '../../domain/experiments/summary.js';
import type { OutboxRenderer } from '../job-handlers.js';
import { loggedBy, summarizeStoredRun, summaryMessage } from './summarize.js';

export const RUN_SUMMARY_RENDER_KIND = 'run-summary';

/**
 * What a run's summary row holds until it is sent: which run to summarize. The comparisons (best
 * earlier run, rank, targets) are read when the row goes out, so logging a run writes the run and
 * one outbox row and reads nothing; they compare with the runs before it only, so the message says
 * the same whenever it is sent. `text` stands in only until then.
 */
export const summaryRenderPayload = (run: Pick<RunRow, 'id' | 'projectId' | 'name'>) => ({
  render: { kind: RUN_SUMMARY_RENDER_KIND, projectId: run.projectId, runId: run.id },
  text: `Run ${runLabel(run)}`,
});

/** Draws a run's summary when its outbox row is sent; nothing to send when the run or its project is gone. */
export const runSummaryRenderer: OutboxRenderer = async (deps, row) => {
  const render = (row.payload as { render?: { projectId?: unknown; runId?: unknown } }).render;
  const projectId = Number(render?.projectId);
  const runId = Number(render?.runId);
  if (!Number.isSafeInteger(projectId) || !Number.isSafeInteger(runId)) throw new Error(`outbox ${row.id}: run summary render without a project and run id`);
  const project = await findProjectById(deps.db, row.teamId, projectId);
  const run = project ? await findRun(deps.db, scopeOf(project), runId) : undefined;
  if (!project || !run) return null;
  return summaryMessage(project, run, await summarizeStoredRun(deps, project, run), { loggedBy: await loggedBy(deps, run), commitUrlTemplate: deps.config.runCommitUrlTemplate });
};

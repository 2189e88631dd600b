import type { Db } from '../../db/client.js';
import { enqueue, findOutbox } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findRun, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import { addTimer } from '../../db/repositories/schedules.js';
import type { RunSummary } from '../../domain/experiments/summary.js';
import type { TimerHandler } from '../job-handlers.js';
import { loggedBy, narrate, summarizeStoredRun, summaryMessage } from './summarize.js';

/**
 * The optional LLM narrative of a run summary, for runs logged from Slack and from the API alike.
 * It is a one-shot timer queued in the transaction that stores the run and queues its summary, so
 * it survives a crash after the ack (or the HTTP response): whichever instance runs the timer asks
 * the model and queues an update of the summary through the outbox. Without an LLM no timer is
 * queued and the summary is complete as it is.
 */
export const RUN_NARRATIVE_TIMER = 'run.narrative';

interface NarrativePayload {
  projectId: number;
  /** The outbox row of the summary message the narrative is added to. */
  summaryOutboxId: number;
  /**
   * Timers queued by earlier versions carry the figures the summary was queued with. Now they are
   * read when the timer runs: they compare with earlier runs only (see summarizeStoredRun), so they
   * are the figures the summary itself shows, and every number of the update comes from them, not
   * from the model.
   */
  summary?: RunSummary;
}

/** Queues the narrative inside the caller's transaction; one per run (the run's creation time is the due time, so a replay adds nothing). */
export async function queueRunNarrative(tx: Db, run: RunRow, n: NarrativePayload): Promise<void> {
  await addTimer(tx, { teamId: run.teamId, kind: RUN_NARRATIVE_TIMER, ref: `run:${run.id}`, dueAt: run.createdAt, payload: { ...n } });
}

/**
 * Asks the model once and, if its text is acceptable, queues the summary's update. A model that
 * fails or answers with numbers leaves the summary as it is (the narrative is optional); the
 * update's dedupe key keeps a timer that runs again after a crash from queueing a second one.
 */
export const runNarrativeTimer: TimerHandler = async (deps, { timer, now }) => {
  if (!deps.llm) return;
  const p = timer.payload as Partial<NarrativePayload>;
  const runId = Number(timer.ref.slice('run:'.length));
  if (!Number.isSafeInteger(runId) || typeof p.projectId !== 'number' || typeof p.summaryOutboxId !== 'number') return;
  const summaryRow = await findOutbox(deps.db, p.summaryOutboxId);
  // A summary Slack refused for good has no message to update.
  if (!summaryRow || summaryRow.status === 'failed') return;
  const project = await findProjectById(deps.db, timer.teamId, p.projectId);
  const run = project ? await findRun(deps.db, scopeOf(project), runId) : undefined;
  if (!project || !run) return;
  const summary = p.summary ?? (await summarizeStoredRun(deps, project, run));
  const narrative = await narrate(deps, project.slug, summary);
  if (!narrative) return;
  await enqueue(deps.db, {
    teamId: project.teamId,
    method: 'chat.update',
    channelId: summaryRow.channelId,
    payload: summaryMessage(project, run, summary, { loggedBy: await loggedBy(deps, run), narrative, commitUrlTemplate: deps.config.runCommitUrlTemplate }),
    dedupeKey: `run-narrative:${run.id}`,
    targetId: summaryRow.id,
    now,
  });
  deps.kickOutbox();
};

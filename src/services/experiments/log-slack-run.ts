import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { insertRun, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import type { RunInput } from '../../domain/experiments/run-input.js';
import { narrate, summarizeStoredRun, summaryMessage } from './summarize.js';

/** Logs a run typed with `/mlops run`; it is stored before the person is told so. */
export async function logSlackRun(deps: Deps, project: ProjectRow, authorId: string, input: RunInput): Promise<RunRow> {
  const { run } = await insertRun(deps.db, scopeOf(project), {
    name: input.name,
    authorId,
    source: 'slack',
    metrics: input.metrics,
    params: input.params,
    dataset: input.dataset,
    commitSha: input.commit,
    note: input.note,
    now: deps.clock.now(),
  });
  return run;
}

/**
 * Posts a Slack-logged run's summary in the project channel: the numbers first, then, when an LLM
 * is configured, the same message with a narrative. A failed post comes back as its reason, so the
 * person who typed the command can learn that the run is saved but its summary is not in the channel.
 */
export async function postSlackRunSummary(deps: Deps, client: WebClient, project: ProjectRow, run: RunRow): Promise<{ posted: true } | { posted: false; reason: string }> {
  const summary = await summarizeStoredRun(deps, project, run);
  let ts: string | undefined;
  try {
    ts = (await client.chat.postMessage({ channel: project.channelId, ...summaryMessage(project, run, summary) })).ts;
  } catch (err) {
    const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
    deps.log.warn(`run summary for ${project.slug} could not be posted: ${reason}`);
    return { posted: false, reason };
  }
  const narrative = await narrate(deps, project.slug, summary);
  if (narrative && ts) await client.chat.update({ channel: project.channelId, ts, ...summaryMessage(project, run, summary, narrative) });
  return { posted: true };
}

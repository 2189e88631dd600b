import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { bestByMetric, earlierRunMetAll, findRun, rankOf, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import { acceptNarrative, narrativePrompt } from '../../domain/experiments/narrative.js';
import { briefTargets, commitUrl, directionOf, primaryMetric, runLabel, summarizeRun, type RunSummary } from '../../domain/experiments/summary.js';
import { compareToTarget } from '../../domain/metrics/success-metric.js';
import { type RunDetails, runSummaryMessage } from '../../messages/run-summary.js';
import { formatMetric } from '../../shared/format-metric.js';
import { type Block, esc } from '../../messages/blocks.js';
import { tokenSenderName } from '../tokens/sender-name.js';

/**
 * Reads what the summary compares against from the database, then applies the pure rules. Every
 * comparison is with the runs before this one (the rank: up to and including it), so the figures
 * are the same whenever they are computed: when the summary is sent, or when its narrative is written.
 */
export async function summarizeStoredRun(deps: Deps, project: ProjectRow, run: RunRow): Promise<RunSummary> {
  const scope = scopeOf(project);
  const targets = briefTargets(project.brief);
  const names = Object.keys(run.metrics);
  const best = await bestByMetric(deps.db, scope, names.map((name) => ({ name, direction: directionOf(name, targets) })), { beforeRunId: run.id });
  const primary = primaryMetric(targets, undefined, names);
  const primaryValue = primary ? run.metrics[primary.name] : undefined;
  const rank = primary && primaryValue !== undefined ? { metric: primary.name, ...(await rankOf(deps.db, scope, primary, primaryValue, { throughRunId: run.id })) } : null;
  const bestOfPrimary = primary ? best.get(primary.name) : undefined;
  const bestRun = bestOfPrimary ? await findRun(deps.db, scope, bestOfPrimary.runId) : undefined;
  const meetsAll = targets.length > 0 && targets.every((t) => run.metrics[t.name] !== undefined && compareToTarget(t, run.metrics[t.name]!).met);
  return summarizeRun({
    run,
    targets,
    bestBefore: new Map([...best].map(([name, b]) => [name, { value: b.value, runLabel: runLabel({ id: b.runId, name: b.runName }) }])),
    rank,
    earlierRunMetAll: meetsAll ? await earlierRunMetAll(deps.db, scope, targets, run.id) : false,
    bestRun: bestRun ? { runLabel: runLabel(bestRun), params: bestRun.params } : null,
  });
}

/** Two or three generated sentences, or null: no LLM configured, the call failed, or the answer broke the rules. */
export async function narrate(deps: Deps, projectSlug: string, summary: RunSummary): Promise<string | null> {
  if (!deps.llm) return null;
  try {
    const text = await deps.llm.text({ ...narrativePrompt(projectSlug, summary, formatMetric), maxTokens: 200 });
    return acceptNarrative(text, summary.vsBest.map((b) => b.name));
  } catch (err) {
    deps.log.warn('run narrative unavailable', (err as Error).message);
    return null;
  }
}

/**
 * Who logged a run, as a message shows it: the person, or the API token by its name
 * (`github-actions`), read when the message is drawn so a token named later shows its name.
 */
export async function loggedBy(deps: Pick<Deps, 'db'>, run: RunRow): Promise<string> {
  const token = await tokenSenderName(deps.db, run.teamId, run.authorId);
  return token === null ? `<@${run.authorId}>` : `\`${esc(token)}\` (API)`;
}

/** What the run stored, as its summary shows it; the commit linked when the deployment sets RUN_COMMIT_URL_TEMPLATE. */
export function runDetails(run: RunRow, commitUrlTemplate: string | undefined): RunDetails {
  return {
    note: run.note,
    dataset: run.dataset,
    commit: run.commitSha ? { sha: run.commitSha, url: commitUrl(commitUrlTemplate, run.commitSha) } : null,
    url: run.url,
    tags: run.tags,
  };
}

export function summaryMessage(project: ProjectRow, run: RunRow, summary: RunSummary, opts: { loggedBy: string; narrative?: string | null; commitUrlTemplate?: string }): { text: string; blocks: Block[] } {
  return runSummaryMessage({
    details: runDetails(run, opts.commitUrlTemplate),
    projectSlug: project.slug,
    projectId: project.id,
    runId: run.id,
    loggedBy: opts.loggedBy,
    summary,
    canRequestDeploymentGate: project.phase === 'development',
    narrative: opts.narrative,
  });
}

import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { findRun, findRunByName, type RunRow, scopeOf } from '../../db/repositories/runs.js';
import { DomainError } from '../../domain/errors.js';
import { briefTargets, commitUrl, paramChanges } from '../../domain/experiments/summary.js';
import { type RunCompareView, runCompareMessage } from '../../messages/run-compare.js';
import type { Block } from '../../messages/blocks.js';

/** A run as a person names it: its name (the newest run so named), else `#12` or `12` as its id. */
async function resolveRun(deps: Deps, project: ProjectRow, ref: string): Promise<RunRow> {
  const scope = scopeOf(project);
  const id = /^#?(\d{1,15})$/.exec(ref)?.[1];
  const run = (await findRunByName(deps.db, scope, ref)) ?? (id !== undefined ? await findRun(deps.db, scope, Number(id)) : undefined);
  if (!run) throw new DomainError('run_not_found', `*${project.slug}* has no run named or numbered "${ref.slice(0, 100)}".`);
  return run;
}

/** Two runs of a project side by side: every figure read from the database. */
export async function compareRuns(deps: Deps, project: ProjectRow, refA: string, refB: string): Promise<{ text: string; blocks: Block[] }> {
  const a = await resolveRun(deps, project, refA);
  const b = await resolveRun(deps, project, refB);
  const template = deps.config.runCommitUrlTemplate;
  const side = (r: RunRow): RunCompareView['a'] => ({ run: r, commitUrl: r.commitSha ? commitUrl(template, r.commitSha) : null });
  return runCompareMessage({ projectSlug: project.slug, targets: briefTargets(project.brief), a: side(a), b: side(b), params: paramChanges(a.params, b.params) });
}

import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { listRuns, type RunRow, scopeOf } from '../../db/repositories/runs.js';

export type { RunRow };

/** One page of a project's runs, newest first; `beforeId` is the last id of the previous page. */
export async function listProjectRuns(deps: Deps, project: ProjectRow, page: { limit: number; beforeId?: number }): Promise<RunRow[]> {
  return listRuns(deps.db, scopeOf(project), page);
}

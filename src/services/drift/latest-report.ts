import type { Deps } from '../../deps.js';
import { latestBatch } from '../../db/repositories/drift-data.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { scopeOf } from '../../db/repositories/runs.js';
import type { DriftReport } from '../../domain/drift/report.js';

/** The report of the project's most recent batch, as stored; null before the first one. */
export async function latestDriftReport(deps: Deps, project: ProjectRow): Promise<DriftReport | null> {
  const row = await latestBatch(deps.db, scopeOf(project));
  return row ? (row.report as DriftReport) : null;
}

import type { Deps } from '../../deps.js';
import { type GateRow, openGatesOfProject } from '../../db/repositories/gates.js';
import { type PhaseChangeRow, phaseHistory, type ProjectRow } from '../../db/repositories/projects.js';
import { bestByMetric, lastRunAt, scopeOf } from '../../db/repositories/runs.js';
import { BriefDraft } from '../../domain/intake/brief.js';
import { compareToTarget, type SuccessMetric } from '../../domain/metrics/success-metric.js';

export interface ProjectReport {
  project: ProjectRow;
  /** The brief as far as intake has filled it; null before intake wrote one. */
  brief: BriefDraft | null;
  targets: { metric: SuccessMetric; best: { value: number; runId: number } | null; met: boolean | null }[];
  lastRunAt: Date | null;
  openGates: GateRow[];
  history: PhaseChangeRow[];
}

/** What `/mlops status <slug>` shows, as data (for the API). Every number comes from the database. */
export async function projectReport(deps: Deps, project: ProjectRow): Promise<ProjectReport> {
  const brief = BriefDraft.safeParse(project.brief ?? {});
  const metrics = brief.success ? (brief.data.successMetrics ?? []) : [];
  const scope = scopeOf(project);
  const [best, last, gates, history] = await Promise.all([
    bestByMetric(deps.db, scope, metrics),
    lastRunAt(deps.db, scope),
    openGatesOfProject(deps.db, project.teamId, project.id),
    phaseHistory(deps.db, project.id),
  ]);
  return {
    project,
    brief: project.brief && brief.success ? brief.data : null,
    targets: metrics.map((metric) => {
      const b = best.get(metric.name);
      return { metric, best: b ? { value: b.value, runId: b.runId } : null, met: b ? compareToTarget(metric, b.value).met : null };
    }),
    lastRunAt: last ?? null,
    openGates: gates,
    history,
  };
}

import type { Deps } from '../../../deps.js';
import type { ProjectRow } from '../../../db/repositories/projects.js';
import type { DriftReport } from '../../../domain/drift/report.js';

/**
 * Called once per stored batch, after its transaction committed: opens an incident thread for a
 * drifted batch, or replies in the open one (throttled, with a digest), or says a batch is back
 * under thresholds. The alert-thread feature implements it; until then a batch raises nothing.
 */
export async function raiseDriftAlert(_deps: Deps, _batch: { project: ProjectRow; report: DriftReport }): Promise<void> {}

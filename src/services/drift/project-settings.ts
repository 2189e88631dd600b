import type { Deps } from '../../deps.js';
import { storedDriftSettings } from '../../db/repositories/drift-data.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { scopeOf } from '../../db/repositories/runs.js';
import { DriftSettings } from '../../domain/drift/settings.js';

/**
 * The project's drift settings, validated; the defaults when none were set. A stored value that no
 * longer validates (written by an older version) is logged and replaced by the defaults rather than
 * failing every batch.
 */
export async function projectDriftSettings(deps: Deps, project: ProjectRow): Promise<DriftSettings> {
  const stored = await storedDriftSettings(deps.db, scopeOf(project));
  const parsed = DriftSettings.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  deps.log.warn(`drift settings of project ${project.id} do not validate; using the defaults: ${parsed.error.issues[0]?.message ?? ''}`);
  return DriftSettings.parse({});
}

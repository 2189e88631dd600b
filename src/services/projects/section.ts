import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Block } from '../../messages/blocks.js';

/** Where a project section is shown: `/mlops status`, a gate message's evidence, a viability check-in's signals. */
export type SectionPurpose = 'status' | 'gate' | 'viability';

/**
 * A piece of a project's picture contributed by a feature (brief, runs, gates, check-ins, drift).
 * Each feature's section is listed in sections.ts; status, gates and check-ins render whichever
 * apply, so no feature has to know the others' tables.
 */
export interface ProjectSection {
  name: string;
  /** Lower first. */
  order: number;
  render(deps: Deps, project: ProjectRow, purpose: SectionPurpose, now: Date): Promise<Block[]>;
}

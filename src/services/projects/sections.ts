import type { Deps } from '../../deps.js';
import { designBriefSection } from './sections/design-brief.js';
import { driftSection } from './sections/drift.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Block } from '../../messages/blocks.js';
import { gatesSection } from './sections/gates.js';
import { RUNS_SECTION } from './sections/runs.js';
import { viabilitySection } from './sections/viability.js';
import type { ProjectSection, SectionPurpose } from './section.js';

/** Every feature's section, listed here in one place (no registration by side effect). */
export const PROJECT_SECTIONS: ProjectSection[] = [designBriefSection, RUNS_SECTION, driftSection, gatesSection, viabilitySection];

export async function renderSections(deps: Deps, project: ProjectRow, purpose: SectionPurpose, now: Date): Promise<Block[]> {
  const sections = [...PROJECT_SECTIONS].sort((a, b) => a.order - b.order);
  const out: Block[] = [];
  for (const s of sections) {
    try {
      out.push(...(await s.render(deps, project, purpose, now)));
    } catch (err) {
      // One broken section must not take the whole status or gate message down with it.
      deps.log.error(`project section ${s.name} failed`, err);
    }
  }
  return out;
}

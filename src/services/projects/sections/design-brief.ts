import { findIntakeByProject } from '../../../db/repositories/intakes.js';
import { BRIEF_FIELDS, missingFields } from '../../../domain/intake/brief.js';
import { draftOf } from '../../intake/conversation.js';
import type { ProjectSection } from '../section.js';
import { briefSummaryBlocks } from '../../../messages/intake.js';

/** The brief in `/mlops status` and on gate messages: what the project is for and what success means. */
export const designBriefSection: ProjectSection = {
  name: 'design-brief',
  order: 10,
  async render(deps, project, purpose) {
    if (purpose !== 'status' && purpose !== 'gate') return [];
    const brief = draftOf(project);
    const intake = await findIntakeByProject(deps.db, project.teamId, project.id);
    const filled = BRIEF_FIELDS.length - missingFields(brief).length;
    if (filled === 0 && intake?.status !== 'open') return [];
    return briefSummaryBlocks({ brief, intakeOpen: intake?.status === 'open', filled, total: BRIEF_FIELDS.length });
  },
};

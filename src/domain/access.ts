import type { IntakeRow } from '../db/repositories/intakes.js';
import type { ProjectRow } from '../db/repositories/projects.js';
import type { BriefDraft } from './intake/brief.js';

/** Who may edit a brief: the owner, whoever took part in the intake, and the brief's stakeholders. */
export function mayEditBrief(userId: string, project: ProjectRow, intake: IntakeRow | undefined, brief: BriefDraft): boolean {
  return userId === project.ownerId || (intake?.participants ?? []).includes(userId) || (brief.stakeholders ?? []).includes(userId);
}

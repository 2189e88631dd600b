import { openIncidentsOf } from '../../../db/repositories/drift-incidents.js';
import { currentReference, latestBatch } from '../../../db/repositories/drift-reads.js';
import { driftSectionBlocks } from '../../../messages/drift.js';
import { openAlertView } from '../../drift/alerts/incident-message.js';
import { storedReport } from '../../drift/reports.js';
import type { ProjectSection } from '../section.js';

/**
 * Drift in a project's picture: the open alert (state, link to its thread) and the latest batch —
 * in `/mlops status`, as a gate's evidence and among a viability check-in's signals.
 */
export const driftSection: ProjectSection = {
  name: 'drift',
  order: 40,
  async render(deps, project, purpose) {
    const open = await openIncidentsOf(deps.db, project.teamId, [project.id]);
    const latest = storedReport(await latestBatch(deps.db, project.id));
    const hasReference = !latest && purpose === 'status' ? !!(await currentReference(deps.db, project.id)) : true;
    return driftSectionBlocks({ purpose, slug: project.slug, open: open.map(openAlertView), latest, hasReference });
  },
};

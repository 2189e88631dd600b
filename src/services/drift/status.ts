import { openIncidentsOf } from '../../db/repositories/drift-incidents.js';
import { currentReference, latestBatch } from '../../db/repositories/drift-reads.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { type Actor, assertMay } from '../../domain/access.js';
import type { Block } from '../../messages/blocks.js';
import { driftStatusMessage } from '../../messages/drift.js';
import { openAlertView } from './alerts/incident-message.js';
import { driftConfig } from './config.js';
import { storedReport } from './reports.js';

/**
 * `/mlops drift <slug>` (whoever may read the project): each column of the latest batch with its
 * test, score and threshold, the open alert with a link to its thread, and the thresholds in force.
 */
export async function driftStatus(deps: Deps, project: ProjectRow, actor: Actor): Promise<{ text: string; blocks: Block[] }> {
  assertMay('read', actor, project);
  const [config, reference, latest, open] = [
    await driftConfig(deps.db, project),
    await currentReference(deps.db, project.id),
    storedReport(await latestBatch(deps.db, project.id)),
    await openIncidentsOf(deps.db, project.teamId, [project.id]),
  ];
  return driftStatusMessage({
    slug: project.slug,
    config: { settings: config.settings, alertChannelId: config.channelId, ackTimeoutMinutes: config.ackTimeoutMinutes, replyIntervalMinutes: config.replyIntervalMinutes },
    reference: reference ? { rows: reference.rows, createdAt: reference.createdAt, columns: reference.columns.length } : null,
    latest,
    open: open.map(openAlertView),
  });
}

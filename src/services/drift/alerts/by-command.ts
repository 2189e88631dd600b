import { unresolvedIncident } from '../../../db/repositories/drift-incidents.js';
import type { ProjectRow } from '../../../db/repositories/projects.js';
import type { Deps } from '../../../deps.js';
import type { Actor } from '../../../domain/access.js';
import type { AlertAction } from '../../../domain/drift/alert-policy.js';
import { DomainError } from '../../../domain/errors.js';
import { acknowledgeAlert } from './acknowledge.js';
import type { AlertActionResult } from './alert-action.js';
import { resolveAlert } from './resolve.js';
import { snoozeAlert } from './snooze.js';

const VERBS = { acknowledge: acknowledgeAlert, snooze: snoozeAlert, resolve: resolveAlert } as const;

/**
 * `/mlops drift <slug> ack|snooze|resolve`, typed in the alert's channel: the same verbs as the
 * buttons, on the project's unresolved incident (for when the alert message cannot be clicked).
 */
export async function actOnOpenAlert(deps: Deps, project: ProjectRow, actor: Actor, action: AlertAction): Promise<AlertActionResult> {
  const incident = await unresolvedIncident(deps.db, project.id);
  if (!incident) throw new DomainError('no_open_alert', `${project.slug} has no open drift alert.`);
  return VERBS[action](deps, { teamId: project.teamId, incidentId: incident.id, actor }, deps.clock.now());
}

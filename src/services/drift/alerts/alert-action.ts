import { findIncident, type IncidentRow, type IncidentWithRoot } from '../../../db/repositories/drift-incidents.js';
import type { ProjectRow } from '../../../db/repositories/projects.js';
import type { Deps } from '../../../deps.js';
import { type Actor, assertMay } from '../../../domain/access.js';
import { DomainError } from '../../../domain/errors.js';
import { requireProjectById } from '../../projects/find-project.js';

/** Who acts on which incident: a click on its message, or a command typed in its channel. */
export interface AlertActionInput {
  teamId: string;
  incidentId: number;
  actor: Actor;
}

/** What an Acknowledge, Snooze 24h or Resolve did; `incident` is the row as it is now. */
export interface AlertActionResult {
  kind: 'changed' | 'unchanged' | 'refused';
  incident: IncidentRow;
}

/**
 * The incident and its project, if this actor may act on it: members of the alert's channel,
 * clicking its own message or typing in that channel (domain/access.ts, `handle_alert`).
 */
export async function authorizeAlertAction(deps: Deps, input: AlertActionInput): Promise<{ incident: IncidentWithRoot; project: ProjectRow }> {
  const incident = await findIncident(deps.db, input.teamId, input.incidentId);
  if (!incident) throw new DomainError('unknown_alert', 'This drift alert no longer exists.');
  const project = await requireProjectById(deps, input.teamId, incident.projectId);
  assertMay('handle_alert', input.actor, { ...project, alert: { channelId: incident.channelId, messageTs: incident.rootTs } });
  return { incident, project };
}

/** After a compare-and-set that lost (another click or timer changed the incident first): say what it is now. */
export async function currentOutcome(deps: Deps, teamId: string, incidentId: number): Promise<AlertActionResult> {
  const now = await findIncident(deps.db, teamId, incidentId);
  if (!now) throw new DomainError('unknown_alert', 'This drift alert no longer exists.');
  return { kind: now.status === 'resolved' ? 'refused' : 'unchanged', incident: now };
}

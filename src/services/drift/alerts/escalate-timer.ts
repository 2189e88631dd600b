import { recordAudit } from '../../../db/repositories/audit.js';
import { changeIncident, findIncident } from '../../../db/repositories/drift-incidents.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { shouldEscalate } from '../../../domain/drift/alert-policy.js';
import { escalationReply } from '../../../messages/drift.js';
import type { TimerHandler } from '../../job-handlers.js';
import { queueIncidentRefresh, queueThreadReply } from './incident-message.js';
import { IncidentTimerPayload } from './timers.js';

/**
 * `ackTimeoutMinutes` after an incident opened: if nobody acknowledged (or snoozed, or resolved)
 * it, the owner is mentioned in its thread, once. The open → escalated compare-and-set comes
 * first, so a replica or a retry that gets here second does nothing, and an Acknowledge that
 * committed first (it also cancels this timer) wins.
 */
export const escalateDriftIncident: TimerHandler = async (deps, { timer, now }) => {
  const { incidentId } = IncidentTimerPayload.parse(timer.payload);
  const incident = await findIncident(deps.db, timer.teamId, incidentId);
  if (!incident || !shouldEscalate(incident)) return;
  const escalated = await deps.db.transaction(async (tx) => {
    const row = await changeIncident(tx, incidentId, ['open'], { escalatedAt: now }, { notEscalated: true });
    if (!row) return false;
    const project = await findProjectById(tx, row.teamId, row.projectId);
    if (!project) return false;
    const minutes = Math.max(1, Math.round((timer.dueAt.getTime() - row.openedAt.getTime()) / 60_000));
    await queueThreadReply(tx, row, escalationReply(project.ownerId, minutes), now, `drift:${row.id}:escalation`);
    await queueIncidentRefresh(tx, row, now);
    await recordAudit(tx, { teamId: row.teamId, projectId: row.projectId, actorId: 'system', action: 'drift.incident_escalated', detail: { incidentId: row.id, ownerId: project.ownerId, minutes }, at: now });
    return true;
  });
  if (escalated) deps.kickOutbox();
};

import { recordAudit } from '../../../db/repositories/audit.js';
import { changeIncident } from '../../../db/repositories/drift-incidents.js';
import { cancelTimers } from '../../../db/repositories/schedules.js';
import type { Deps } from '../../../deps.js';
import { fromStatuses, transition } from '../../../domain/drift/alert-policy.js';
import { type AlertActionInput, type AlertActionResult, authorizeAlertAction, currentOutcome } from './alert-action.js';
import { queueIncidentRefresh } from './incident-message.js';
import { DRIFT_ESCALATE_TIMER } from './timers.js';

/**
 * Acknowledge: open → acknowledged, by compare-and-set, with the escalation timer cancelled, the
 * root's refresh queued and the audit entry, in one transaction. Already acknowledged (or
 * snoozed) changes nothing; a resolved incident refuses.
 */
export async function acknowledgeAlert(deps: Deps, input: AlertActionInput, now: Date): Promise<AlertActionResult> {
  const { incident } = await authorizeAlertAction(deps, input);
  const t = transition(incident.status, 'acknowledge');
  if (t.kind !== 'change') return { kind: t.kind, incident };
  const changed = await deps.db.transaction(async (tx) => {
    const row = await changeIncident(tx, incident.id, fromStatuses('acknowledge'), { status: t.to, changedBy: input.actor.userId, changedAt: now });
    if (!row) return null;
    await cancelTimers(tx, DRIFT_ESCALATE_TIMER, String(row.id), now);
    await queueIncidentRefresh(tx, row, now);
    await recordAudit(tx, { teamId: row.teamId, projectId: row.projectId, actorId: input.actor.userId, action: 'drift.incident_acknowledged', detail: { incidentId: row.id, from: incident.status }, at: now });
    return row;
  });
  if (!changed) return currentOutcome(deps, input.teamId, incident.id);
  deps.kickOutbox();
  return { kind: 'changed', incident: changed };
}

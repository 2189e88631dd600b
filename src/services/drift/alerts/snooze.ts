import { recordAudit } from '../../../db/repositories/audit.js';
import { changeIncident } from '../../../db/repositories/drift-incidents.js';
import { addTimer, cancelTimers } from '../../../db/repositories/schedules.js';
import type { Deps } from '../../../deps.js';
import { fromStatuses, SNOOZE_MS, transition } from '../../../domain/drift/alert-policy.js';
import { snoozedReply } from '../../../messages/drift.js';
import { type AlertActionInput, type AlertActionResult, authorizeAlertAction, currentOutcome } from './alert-action.js';
import { queueIncidentRefresh, queueThreadReply } from './incident-message.js';
import { DRIFT_DIGEST_TIMER, DRIFT_ESCALATE_TIMER, DRIFT_SNOOZE_TIMER } from './timers.js';

/**
 * Snooze 24h: the thread gets no batch replies until then (batches are counted, and the end of
 * the snooze tells them), and the owner is not called — a snooze is a response to the alert. A
 * second snooze restarts the 24 hours. One transaction: the compare-and-set, the timers (the
 * snooze's end replaces any earlier one; escalation and digest are cancelled), a line in the
 * thread, the root's refresh and the audit entry.
 */
export async function snoozeAlert(deps: Deps, input: AlertActionInput, now: Date): Promise<AlertActionResult> {
  const { incident } = await authorizeAlertAction(deps, input);
  const t = transition(incident.status, 'snooze');
  if (t.kind !== 'change') return { kind: t.kind, incident };
  const until = new Date(now.getTime() + SNOOZE_MS);
  const changed = await deps.db.transaction(async (tx) => {
    const row = await changeIncident(tx, incident.id, fromStatuses('snooze'), { status: t.to, changedBy: input.actor.userId, changedAt: now, snoozedUntil: until });
    if (!row) return null;
    const ref = String(row.id);
    for (const kind of [DRIFT_ESCALATE_TIMER, DRIFT_DIGEST_TIMER, DRIFT_SNOOZE_TIMER]) await cancelTimers(tx, kind, ref, now);
    await addTimer(tx, { teamId: row.teamId, kind: DRIFT_SNOOZE_TIMER, ref, dueAt: until, payload: { incidentId: row.id } });
    await queueThreadReply(tx, row, snoozedReply(input.actor.userId, until), now);
    await queueIncidentRefresh(tx, row, now);
    await recordAudit(tx, { teamId: row.teamId, projectId: row.projectId, actorId: input.actor.userId, action: 'drift.incident_snoozed', detail: { incidentId: row.id, from: incident.status, until: until.toISOString() }, at: now });
    return row;
  });
  if (!changed) return currentOutcome(deps, input.teamId, incident.id);
  deps.kickOutbox();
  return { kind: 'changed', incident: changed };
}

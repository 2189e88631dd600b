import { recordAudit } from '../../../db/repositories/audit.js';
import { changeIncident, lockIncident } from '../../../db/repositories/drift-incidents.js';
import { cancelTimers } from '../../../db/repositories/schedules.js';
import type { Deps } from '../../../deps.js';
import { digestOf, fromStatuses, transition } from '../../../domain/drift/alert-policy.js';
import { resolvedReply } from '../../../messages/drift.js';
import { type AlertActionInput, type AlertActionResult, authorizeAlertAction, currentOutcome } from './alert-action.js';
import { queueFinalIncidentUpdate, queueThreadReply } from './incident-message.js';
import { DRIFT_TIMER_KINDS } from './timers.js';

/**
 * Resolve: ends the incident; drift after this opens a new one. One transaction: the
 * compare-and-set (from any unresolved state), every timer of the incident cancelled, the root's
 * final update (rendered at send time: no buttons, ever again), a line in the thread carrying the
 * batches still folded into the digest, and the audit entry.
 */
export async function resolveAlert(deps: Deps, input: AlertActionInput, now: Date): Promise<AlertActionResult> {
  const { incident } = await authorizeAlertAction(deps, input);
  const t = transition(incident.status, 'resolve');
  if (t.kind !== 'change') return { kind: t.kind, incident };
  const changed = await deps.db.transaction(async (tx) => {
    // Locked first, to read the digest the resolution carries before it is reset.
    const before = await lockIncident(tx, incident.teamId, incident.id);
    if (!before) return null;
    const row = await changeIncident(tx, incident.id, fromStatuses('resolve'), { status: t.to, changedBy: input.actor.userId, changedAt: now, resolvedAt: now, skippedBatches: 0, skippedDrifted: 0 });
    if (!row) return null;
    for (const kind of DRIFT_TIMER_KINDS) await cancelTimers(tx, kind, String(row.id), now);
    await queueFinalIncidentUpdate(tx, row, now);
    await queueThreadReply(tx, row, resolvedReply(input.actor.userId, digestOf(before)), now, `drift:${row.id}:resolved`);
    await recordAudit(tx, { teamId: row.teamId, projectId: row.projectId, actorId: input.actor.userId, action: 'drift.incident_resolved', detail: { incidentId: row.id, from: before.status }, at: now });
    return row;
  });
  if (!changed) return currentOutcome(deps, input.teamId, incident.id);
  deps.kickOutbox();
  return { kind: 'changed', incident: changed };
}

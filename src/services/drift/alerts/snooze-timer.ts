import { recordAudit } from '../../../db/repositories/audit.js';
import { changeIncident, lockIncident } from '../../../db/repositories/drift-incidents.js';
import { digestOf } from '../../../domain/drift/alert-policy.js';
import { snoozeEndedReply } from '../../../messages/drift.js';
import type { TimerHandler } from '../../job-handlers.js';
import { queueIncidentRefresh, queueThreadReply } from './incident-message.js';
import { IncidentTimerPayload } from './timers.js';

/**
 * The end of a snooze: snoozed → acknowledged (compare-and-set on the snooze having run out, so a
 * later re-snooze is left alone), the root refreshed, and a line in the thread with what arrived
 * while it was snoozed; batch replies resume from here, one per interval.
 */
export const endDriftSnooze: TimerHandler = async (deps, { timer, now }) => {
  const { incidentId } = IncidentTimerPayload.parse(timer.payload);
  const ended = await deps.db.transaction(async (tx) => {
    const before = await lockIncident(tx, timer.teamId, incidentId);
    if (!before || before.status !== 'snoozed' || !before.snoozedUntil || before.snoozedUntil.getTime() > now.getTime()) return false;
    const row = await changeIncident(tx, incidentId, ['snoozed'], { status: 'acknowledged', changedAt: now, lastReplyAt: now, skippedBatches: 0, skippedDrifted: 0 }, { snoozedUntilAtMost: now });
    if (!row) return false;
    await queueThreadReply(tx, row, snoozeEndedReply(digestOf(before)), now, `drift:${row.id}:snooze-end:${before.snoozedUntil.getTime()}`);
    await queueIncidentRefresh(tx, row, now);
    await recordAudit(tx, { teamId: row.teamId, projectId: row.projectId, actorId: 'system', action: 'drift.snooze_ended', detail: { incidentId: row.id, snoozedBy: before.changedBy, batches: before.skippedBatches, drifted: before.skippedDrifted }, at: now });
    return true;
  });
  if (ended) deps.kickOutbox();
};

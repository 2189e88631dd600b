import { lockIncident, recordFollowUp } from '../../../db/repositories/drift-incidents.js';
import { findBatch } from '../../../db/repositories/drift-reads.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { addTimer } from '../../../db/repositories/schedules.js';
import { decideDigest, isAlerting } from '../../../domain/drift/alert-policy.js';
import { digestReply } from '../../../messages/drift.js';
import type { TimerHandler } from '../../job-handlers.js';
import { driftConfig } from '../config.js';
import { storedReport } from '../reports.js';
import { queueThreadReply } from './incident-message.js';
import { DRIFT_DIGEST_TIMER, IncidentTimerPayload } from './timers.js';

/**
 * The reply interval has passed and batches were folded into the digest, but no new batch came to
 * carry it: post the digest now ("+12 batches since the last update, 9 drifted", and the latest
 * batch's state). Under the incident's row lock, so a batch arriving at the same moment either
 * carries the digest itself or finds it posted; nothing while snoozed or resolved.
 */
export const postDriftDigest: TimerHandler = async (deps, { timer, now }) => {
  const { incidentId } = IncidentTimerPayload.parse(timer.payload);
  const posted = await deps.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, timer.teamId, incidentId);
    if (!incident) return false;
    const project = await findProjectById(tx, incident.teamId, incident.projectId);
    if (!project) return false;
    const config = await driftConfig(tx, project);
    const decision = decideDigest(incident, config.replyIntervalMinutes * 60_000, now);
    if (decision.kind === 'wait') {
      await addTimer(tx, { teamId: incident.teamId, kind: DRIFT_DIGEST_TIMER, ref: String(incident.id), dueAt: decision.until, payload: { incidentId } });
      return false;
    }
    if (decision.kind === 'none') return false;
    const latest = storedReport(await findBatch(tx, incident.projectId, incident.lastBatchId));
    await recordFollowUp(tx, incident.id, { lastBatchId: incident.lastBatchId, severity: incident.severity, lastReplyAt: now, skippedBatches: 0, skippedDrifted: 0 });
    await queueThreadReply(tx, incident, digestReply(decision.digest, latest, latest ? isAlerting(latest) : false), now, `drift:${incident.id}:digest:${timer.dueAt.getTime()}`);
    return true;
  });
  if (posted) deps.kickOutbox();
};

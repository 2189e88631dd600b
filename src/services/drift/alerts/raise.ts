import type { Db } from '../../../db/client.js';
import { recordAudit } from '../../../db/repositories/audit.js';
import { insertIncident, type IncidentRow, lockUnresolvedIncident, recordFollowUp, setIncidentRoot, unresolvedIncident } from '../../../db/repositories/drift-incidents.js';
import { enqueue, type FileUploadPayload } from '../../../db/repositories/outbox.js';
import type { ProjectRow } from '../../../db/repositories/projects.js';
import { addTimer } from '../../../db/repositories/schedules.js';
import type { Deps } from '../../../deps.js';
import { afterFollowUp, decideFollowUp, driftedColumns, maxSeverity, missedTargets, type Severity, severityOf } from '../../../domain/drift/alert-policy.js';
import type { DriftReport } from '../../../domain/drift/report.js';
import { batchReply } from '../../../messages/drift.js';
import { type DriftConfig, driftConfig } from '../config.js';
import { incidentChart } from './chart.js';
import { incidentRenderPayload, queueIncidentRefresh, queueThreadReply } from './incident-message.js';
import { DRIFT_DIGEST_TIMER, DRIFT_ESCALATE_TIMER } from './timers.js';
import { queueProjectHomeRefresh } from '../../projects/home-refresh.js';

const MINUTE = 60_000;

/**
 * Called once per stored batch, after its transaction committed. A drifted batch (or one whose
 * recomputed success metrics miss their targets) opens an incident — a root message in the alert
 * channel, the chart in its thread, an escalation timer — unless the project has one unresolved:
 * then the batch replies in that thread, at most once per reply interval (none while snoozed),
 * and is otherwise counted into the digest the next reply (or the digest timer) carries. A batch
 * back under thresholds says so in the open thread, by the same rule, and opens nothing.
 *
 * Each outcome is one transaction: the incident row (one unresolved per project, by a partial
 * unique index), its outbox rows and timers, and the audit entry. The project's unresolved
 * incident is locked for the follow-up, so batches of a noisy monitor count one after another.
 */
export async function raiseDriftAlert(deps: Deps, batch: { project: ProjectRow; report: DriftReport; sender?: string | null }): Promise<void> {
  const { project, report } = batch;
  const sender = batch.sender ?? null;
  const now = deps.clock.now();
  const severity = severityOf(report);
  const config = await driftConfig(deps.db, project);
  // Drawn before the transaction, and only when this batch is about to open an incident.
  let chart: FileUploadPayload | null | undefined;
  if (severity && !(await unresolvedIncident(deps.db, project.id))) chart = await drawChart(deps, project, report);

  for (let attempt = 0; attempt < 3; attempt++) {
    const done = await deps.db.transaction(async (tx) => {
      const incident = await lockUnresolvedIncident(tx, project.id);
      if (incident) {
        await followUp(tx, incident, report, severity, config, now, sender);
        return true;
      }
      if (!severity) return true;
      // Rare: an incident was resolved between the read above and this transaction.
      if (chart === undefined) chart = await drawChart(deps, project, report);
      // False when a concurrent batch opened the incident first: this one then follows up in it.
      return openIncident(tx, project, report, severity, config, chart, now);
    });
    if (done) break;
  }
  deps.kickOutbox();
}

async function drawChart(deps: Deps, project: ProjectRow, report: DriftReport): Promise<FileUploadPayload | null> {
  try {
    return await incidentChart(project.slug, report);
  } catch (err) {
    // The alert goes out without its chart rather than not at all.
    deps.log.error(`drift chart of ${project.slug} batch ${report.batchId} failed`, err);
    return null;
  }
}

async function openIncident(
  tx: Db,
  project: ProjectRow,
  report: DriftReport,
  severity: Severity,
  config: DriftConfig,
  chart: FileUploadPayload | null,
  now: Date,
): Promise<boolean> {
  // The root counts as the thread's first post: the next batch reply waits a full interval after it.
  const incident = await insertIncident(tx, { teamId: project.teamId, projectId: project.id, channelId: config.channelId, severity, batchId: report.batchId, lastReplyAt: now, now });
  if (!incident) return false;
  const root = await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: config.channelId, payload: incidentRenderPayload(incident.id), dedupeKey: `drift:${incident.id}:root`, now });
  await setIncidentRoot(tx, incident.id, root.id);
  if (chart) {
    await enqueue(tx, { teamId: project.teamId, method: 'files.upload', channelId: config.channelId, parentId: root.id, payload: { ...chart }, dedupeKey: `drift:${incident.id}:chart`, now });
  }
  await addTimer(tx, { teamId: project.teamId, kind: DRIFT_ESCALATE_TIMER, ref: String(incident.id), dueAt: new Date(now.getTime() + config.ackTimeoutMinutes * MINUTE), payload: { incidentId: incident.id } });
  await recordAudit(tx, {
    teamId: project.teamId,
    projectId: project.id,
    actorId: 'system',
    action: 'drift.incident_opened',
    detail: {
      incidentId: incident.id,
      batchId: report.batchId,
      severity,
      channelId: config.channelId,
      datasetDrift: report.datasetDrift,
      driftedColumns: driftedColumns(report).map((c) => c.name),
      missedTargets: missedTargets(report).map((p) => p.metric),
    },
    at: now,
  });
  await queueProjectHomeRefresh(tx, project, now);
  return true;
}

async function followUp(tx: Db, incident: IncidentRow, report: DriftReport, severity: Severity | null, config: DriftConfig, now: Date, sender: string | null): Promise<void> {
  // Told already (a repeated call for the same batch).
  if (report.batchId === incident.firstBatchId || report.batchId === incident.lastBatchId) return;
  const decision = decideFollowUp(incident, config.replyIntervalMinutes * MINUTE, now);
  const next = afterFollowUp(incident, decision, severity !== null, now);
  const raised = maxSeverity(incident.severity, severity);
  await recordFollowUp(tx, incident.id, { lastBatchId: Math.max(incident.lastBatchId, report.batchId), severity: raised, ...next });
  if (decision.kind === 'reply') {
    await queueThreadReply(tx, incident, batchReply(report, severity !== null, decision.digest, sender), now, `drift:${incident.id}:batch:${report.batchId}`);
  } else if (decision.digestAt) {
    // One digest timer per interval (timers are unique by kind, ref and due time).
    await addTimer(tx, { teamId: incident.teamId, kind: DRIFT_DIGEST_TIMER, ref: String(incident.id), dueAt: decision.digestAt, payload: { incidentId: incident.id } });
  }
  if (raised !== incident.severity) {
    await queueIncidentRefresh(tx, incident, now);
    await recordAudit(tx, { teamId: incident.teamId, projectId: incident.projectId, actorId: 'system', action: 'drift.severity_raised', detail: { incidentId: incident.id, batchId: report.batchId, from: incident.severity, to: raised }, at: now });
  }
}

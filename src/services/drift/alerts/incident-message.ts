import type { Db } from '../../../db/client.js';
import { findIncident, type IncidentRow } from '../../../db/repositories/drift-incidents.js';
import { findBatch } from '../../../db/repositories/drift-reads.js';
import { tokenSenderName } from '../../tokens/sender-name.js';
import { enqueue, queueCoalescedUpdate } from '../../../db/repositories/outbox.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { incidentMessage, type IncidentView, type OpenAlertView } from '../../../messages/drift.js';
import type { OutboxRenderer } from '../../job-handlers.js';
import { MESSAGE_REFRESH_INTERVAL_MS } from '../../message-refresh.js';
import { driftConfig } from '../config.js';
import { storedReport } from '../reports.js';
import { queueProjectHomeRefreshById } from '../../projects/home-refresh.js';

export const DRIFT_INCIDENT_RENDER_KIND = 'drift.incident';

/** The outbox payload of an incident's root message (post and updates): rendered when it is sent. */
export const incidentRenderPayload = (incidentId: number) => ({ render: { kind: DRIFT_INCIDENT_RENDER_KIND, incidentId }, text: 'Drift alert' });

/** The root message as it should look now, from the incident row, its opening batch and the project. */
export async function incidentView(db: Db, incident: IncidentRow): Promise<IncidentView | null> {
  const project = await findProjectById(db, incident.teamId, incident.projectId);
  if (!project) return null;
  const config = await driftConfig(db, project);
  const first = await findBatch(db, incident.projectId, incident.firstBatchId);
  return {
    incidentId: incident.id,
    slug: project.slug,
    ownerId: project.ownerId,
    status: incident.status,
    severity: incident.severity,
    openedAt: incident.openedAt,
    changedBy: incident.changedBy,
    changedAt: incident.changedAt,
    snoozedUntil: incident.snoozedUntil,
    escalatedAt: incident.escalatedAt,
    resolvedAt: incident.resolvedAt,
    ackTimeoutMinutes: config.ackTimeoutMinutes,
    report: storedReport(first),
    sender: await tokenSenderName(db, incident.teamId, first?.sentBy ?? null),
  };
}

/**
 * Renders the root message when its outbox row goes out (the first post and every update), from
 * the database as it is then. The row is claimed before the incident is read, so a change
 * committed after this read queues another update, and one committed before is in this one: the
 * last update sent shows the true state, and a resolved incident never shows its buttons again.
 */
export const incidentMessageRenderer: OutboxRenderer = async (deps, row) => {
  const incidentId = Number((row.payload as { render?: { incidentId?: unknown } }).render?.incidentId);
  if (!Number.isInteger(incidentId)) throw new Error(`outbox ${row.id}: drift incident render without an incident id`);
  const incident = await findIncident(deps.db, row.teamId, incidentId);
  if (!incident) return null;
  const view = await incidentView(deps.db, incident);
  return view ? incidentMessage(view) : null;
};

type Root = Pick<IncidentRow, 'id' | 'teamId' | 'channelId' | 'rootOutboxId'>;

/**
 * Redraws the root after a state change (coalesced: one pending update per message, 1.5 s apart),
 * and the Home of the project's people, which lists its open alerts.
 */
export async function queueIncidentRefresh(db: Db, incident: Root & Pick<IncidentRow, 'projectId'>, now: Date): Promise<void> {
  await queueProjectHomeRefreshById(db, incident.teamId, incident.projectId, now);
  if (incident.rootOutboxId === null) return;
  await queueCoalescedUpdate(db, { teamId: incident.teamId, channelId: incident.channelId, targetId: incident.rootOutboxId, payload: incidentRenderPayload(incident.id), now, intervalMs: MESSAGE_REFRESH_INTERVAL_MS });
}

/**
 * The root's final update (resolved), never coalesced away. The outbox sends a message's updates
 * in order, so an update rendered just before the change lands before this one, never after it.
 * The project's people's Home drops the alert.
 */
export async function queueFinalIncidentUpdate(db: Db, incident: Root & Pick<IncidentRow, 'projectId'>, now: Date): Promise<void> {
  await queueProjectHomeRefreshById(db, incident.teamId, incident.projectId, now);
  if (incident.rootOutboxId === null) return;
  await enqueue(db, { teamId: incident.teamId, method: 'chat.update', channelId: incident.channelId, targetId: incident.rootOutboxId, payload: incidentRenderPayload(incident.id), now, dedupeKey: `drift:${incident.id}:final` });
}

/** A line of the incident's thread (a reply to the root), in order with the other posts of the thread. */
export async function queueThreadReply(
  db: Db,
  incident: Root,
  message: { text: string; blocks?: unknown[] },
  now: Date,
  dedupeKey?: string,
): Promise<void> {
  if (incident.rootOutboxId === null) return;
  await enqueue(db, { teamId: incident.teamId, method: 'chat.postMessage', channelId: incident.channelId, parentId: incident.rootOutboxId, payload: message, now, ...(dedupeKey ? { dedupeKey } : {}) });
}

/** An unresolved incident as the lists show it. */
export function openAlertView(i: Pick<IncidentRow, 'channelId' | 'status' | 'severity' | 'openedAt' | 'changedBy' | 'snoozedUntil'> & { slug: string; rootTs: string | null }): OpenAlertView {
  return { slug: i.slug, channelId: i.channelId, rootTs: i.rootTs, status: i.status, severity: i.severity, openedAt: i.openedAt, changedBy: i.changedBy, snoozedUntil: i.snoozedUntil };
}

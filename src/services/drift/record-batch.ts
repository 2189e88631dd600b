import { senderLabel } from '../../domain/experiments/api-token.js';
import type { Deps } from '../../deps.js';
import { currentReference, findBatchByIdempotencyKey, insertBatchIn, nextBatchId, type DriftBatchRow } from '../../db/repositories/drift-data.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { scopeOf } from '../../db/repositories/runs.js';
import { DriftInputError } from '../../domain/drift/input-error.js';
import type { DriftReport } from '../../domain/drift/report.js';
import { briefTargets } from '../../domain/experiments/summary.js';
import { loadReference } from './load-reference.js';
import { projectDriftSettings } from './project-settings.js';
import type { DriftUpload } from './set-reference.js';

export type BatchOutcome = { kind: 'created' | 'replayed'; report: DriftReport };

/**
 * Evaluates a batch of current data against the project's reference and stores its report (not
 * its values), then raises the alert for it once the row is committed.
 *
 * With an Idempotency-Key already used in the project, the stored report comes back and nothing
 * is evaluated, stored or alerted again; two retries racing are settled by the unique index, and
 * only the one that inserted raises the alert. The body is read only after those checks, so a
 * retry or a batch sent before any reference does not upload its data for nothing.
 */
export async function recordBatch(deps: Deps, project: ProjectRow, upload: DriftUpload & { idempotencyKey?: string; sender?: { id: string; name: string | null } }): Promise<BatchOutcome> {
  const scope = scopeOf(project);
  const key = upload.idempotencyKey;
  if (key !== undefined) {
    const earlier = await findBatchByIdempotencyKey(deps.db, scope, key);
    if (earlier) return replayed(earlier);
  }
  const refRow = await currentReference(deps.db, scope);
  if (!refRow) {
    throw new DriftInputError('no_reference', `${project.slug} has no drift reference yet: POST a reference sample to /api/v1/projects/${project.slug}/reference first.`, null);
  }
  const [reference, settings] = await Promise.all([loadReference(deps, refRow), projectDriftSettings(deps, project)]);
  const body = await upload.readBody();
  const outcome = await deps.drift.evaluate(
    { type: 'batch', body, media: upload.media, options: upload.options, reference: reference.columns, settings, targets: briefTargets(project.brief) },
    { values: reference.rows * reference.columns.length },
  );
  if (!outcome.ok) {
    deps.metrics.driftEvaluations.inc({ outcome: 'refused' });
    throw DriftInputError.fromJSON(outcome.error);
  }
  deps.metrics.driftEvaluations.inc({ outcome: outcome.value.score.drift.datasetDrift ? 'drift' : 'no_drift' });
  const { rows, timestamp, score } = outcome.value;
  const receivedAt = deps.clock.now();
  const observedAt = timestamp !== undefined ? new Date(timestamp) : receivedAt;

  const stored = await deps.db.transaction(async (tx) => {
    const id = await nextBatchId(tx);
    const report: DriftReport = { batchId: id, rows, observedAt: observedAt.toISOString(), ...score.drift, performance: score.performance, performanceAlert: score.performanceAlert };
    const row = await insertBatchIn(tx, scope, {
      id,
      referenceId: refRow.id,
      rows,
      observedAt,
      receivedAt,
      driftShare: score.drift.share,
      datasetDrift: score.drift.datasetDrift,
      performanceAlert: score.performanceAlert,
      report,
      idempotencyKey: key ?? null,
      sentBy: upload.sender ? `token:${upload.sender.id}` : null,
    });
    return row ? report : undefined;
  });
  if (!stored) {
    // Another request with the same key inserted first; it raises the alert, this one replays.
    const winner = await findBatchByIdempotencyKey(deps.db, scope, key!);
    if (!winner) throw new Error('drift batch insert conflicted without an idempotency key');
    return replayed(winner);
  }
  try {
    await deps.drift.raiseAlert(deps, { project, report: stored, sender: upload.sender ? senderLabel({ name: upload.sender.name, publicId: upload.sender.id }) : null });
  } catch (err) {
    // The batch is stored and its report is the answer; a failed alert is logged, not a failed upload.
    deps.log.error(`drift alert for batch ${stored.batchId} of project ${project.id} failed`, err);
  }
  return { kind: 'created', report: stored };
}

function replayed(row: DriftBatchRow): BatchOutcome {
  return { kind: 'replayed', report: row.report as DriftReport };
}

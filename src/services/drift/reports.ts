import type { StoredBatch } from '../../db/repositories/drift-reads.js';
import type { DriftReport } from '../../domain/drift/report.js';

/**
 * A stored batch's report, as alert threads and `/mlops drift` read it. The row's own columns (id,
 * rows, observation time) are authoritative; a report that does not have the shape of a
 * DriftReport (written by another version) reads as missing rather than crashing a message.
 */
export function storedReport(batch: StoredBatch | undefined): DriftReport | null {
  if (!batch) return null;
  const r = batch.report as Partial<DriftReport> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.columns)) return null;
  return {
    ...(r as DriftReport),
    batchId: batch.id,
    rows: batch.rows,
    observedAt: batch.observedAt.toISOString(),
    performance: Array.isArray(r.performance) ? r.performance : [],
    performanceAlert: batch.performanceAlert,
    datasetDrift: batch.datasetDrift,
  };
}

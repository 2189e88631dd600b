import type { ColumnDistribution } from '../../../charts/distribution-chart.js';
import type { FileUploadPayload } from '../../../db/repositories/outbox.js';
import { type DriftedColumn, driftedColumns } from '../../../domain/drift/alert-policy.js';
import type { DriftReport } from '../../../domain/drift/report.js';
import { chartTitle } from '../../../messages/drift.js';

/** A drifted column's stored histogram in the chart's terms; "other" (the categories past the top ones) as one more bar. */
export function columnDistribution(c: DriftedColumn): ColumnDistribution {
  const h = c.histogram;
  if (h.type === 'bins') return { name: c.name, kind: 'numeric', binEdges: h.edges, refCounts: h.reference, curCounts: h.current };
  const categories = [...h.categories];
  const refCounts = [...h.reference];
  const curCounts = [...h.current];
  if (h.other.reference + h.other.current > 0) {
    let other = 'other';
    while (categories.includes(other)) other = `(${other})`;
    categories.push(other);
    refCounts.push(h.other.reference);
    curCounts.push(h.other.current);
  }
  return { name: c.name, kind: 'categorical', categories, refCounts, curCounts };
}

/**
 * The alert's chart: reference vs current distribution of the most drifted columns (up to four),
 * as the PNG payload of a `files.upload` outbox row. Null when no column drifted (a performance
 * alert alone). The file name is unique per batch, as the outbox's retry needs.
 */
export async function incidentChart(slug: string, report: DriftReport): Promise<FileUploadPayload | null> {
  // Loaded on first use: the chart libraries take about a second to import, which start-up need not pay.
  const { MAX_DISTRIBUTION_COLUMNS, renderDistributionChart } = await import('../../../charts/distribution-chart.js');
  const columns = driftedColumns(report).slice(0, MAX_DISTRIBUTION_COLUMNS).map(columnDistribution);
  if (columns.length === 0) return null;
  const title = chartTitle(slug, columns.length);
  const png = await renderDistributionChart({ title, columns });
  return {
    file_base64: png.toString('base64'),
    filename: `drift-${slug}-batch-${report.batchId}.png`,
    title,
    alt_text: `Reference vs current distribution of ${columns.map((c) => c.name).join(', ')}`.slice(0, 1000),
  };
}

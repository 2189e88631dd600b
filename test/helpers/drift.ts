import { eq } from 'drizzle-orm';
import { driftBatches, driftReferenceColumns, driftReferences } from '../../src/db/schema/index.js';
import type { ProjectRow } from '../../src/db/repositories/projects.js';
import { evaluateDataset, type ColumnInput } from '../../src/domain/drift/evaluate.js';
import { rocAuc } from '../../src/domain/drift/performance.js';
import type { DriftReport, PerformanceCheck } from '../../src/domain/drift/report.js';
import type { DriftSettingsInput } from '../../src/domain/drift/settings.js';
import { normal, seeded } from '../../src/sandbox/example/random.js';
import type { Harness } from './harness.js';

// One seeded generator (mulberry32) and normal draw serve the example data and the tests.
export { seeded };

/**
 * Drift data for tests that do not go through the ingestion API: seeded generated samples, a
 * reference and batches stored as the ingestion stores them, and reports computed by the real
 * statistics (evaluateDataset).
 */


function pick<T>(rand: () => number, values: readonly T[], weights: readonly number[]): T {
  let r = rand() * weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) {
    r -= w;
    if (r <= 0) return values[i]!;
  }
  return values[values.length - 1]!;
}

export type Sample = Record<'age' | 'income' | 'tenure', Float64Array> & { plan: string[] };

/** How far a sample moves from the reference: 0 for none; `only` limits the shift to some columns. */
export interface Shift {
  amount: number;
  only?: (keyof Sample)[];
}

export function sample(seed: number, n: number, shift: Shift = { amount: 0 }): Sample {
  const rand = seeded(seed);
  const moves = (c: keyof Sample) => (shift.only ? shift.only.includes(c) : true) ? shift.amount : 0;
  const numbers = (mean: number, sd: number, c: keyof Sample) => Float64Array.from({ length: n }, () => normal(rand, mean + moves(c) * sd, sd));
  const planWeights = moves('plan') ? [0.2, 0.3, 0.5] : [0.5, 0.3, 0.2];
  return {
    age: numbers(40, 10, 'age'),
    income: numbers(50_000, 12_000, 'income'),
    tenure: numbers(24, 6, 'tenure'),
    plan: Array.from({ length: n }, () => pick(rand, ['basic', 'pro', 'team'], planWeights)),
  };
}

export const REFERENCE = sample(1, 400);

function columnsOf(reference: Sample, current: Sample): Record<string, ColumnInput> {
  return Object.fromEntries((Object.keys(reference) as (keyof Sample)[]).map((k) => [k, { reference: reference[k], current: current[k] }]));
}

/** A report as the ingestion computes it (before it is stored: batchId 0). */
export function evaluate(current: Sample, opts: { settings?: DriftSettingsInput; performance?: PerformanceCheck[]; observedAt?: Date } = {}): DriftReport {
  const result = evaluateDataset(columnsOf(REFERENCE, current), opts.settings);
  const performance = opts.performance ?? [];
  return { ...result, batchId: 0, rows: current.age.length, observedAt: (opts.observedAt ?? new Date()).toISOString(), performance, performanceAlert: performance.some((p) => p.met === false) };
}

/** AUC recomputed from labels and scores that separate poorly: a success metric that misses its target. */
export function weakAuc(seed: number, target = 0.85): PerformanceCheck {
  const rand = seeded(seed);
  const labels = Array.from({ length: 300 }, () => (rand() < 0.3 ? 1 : 0) as 0 | 1);
  const scores = labels.map((l) => Math.min(1, Math.max(0, 0.5 + (l ? 0.1 : -0.05) + normal(rand, 0, 0.25))));
  const value = rocAuc(labels, scores);
  return { metric: 'auc', direction: 'maximize', target, value, met: value === null ? null : value >= target };
}

/** Stores the project's current reference sample, one row per column (as the ingestion does). */
export async function storeReference(h: Harness, project: ProjectRow, ref: Sample = REFERENCE): Promise<number> {
  const [row] = await h.database.db
    .insert(driftReferences)
    .values({ teamId: project.teamId, projectId: project.id, rows: ref.age.length, createdBy: 'token:test', createdAt: h.clock.now(), current: true })
    .returning();
  const numeric = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  await h.database.db.insert(driftReferenceColumns).values([
    { referenceId: row!.id, name: 'age', role: 'feature', kind: 'numeric', numeric: numeric(ref.age) },
    { referenceId: row!.id, name: 'income', role: 'feature', kind: 'numeric', numeric: numeric(ref.income) },
    { referenceId: row!.id, name: 'tenure', role: 'feature', kind: 'numeric', numeric: numeric(ref.tenure) },
    { referenceId: row!.id, name: 'plan', role: 'feature', kind: 'categorical', categorical: ref.plan },
  ]);
  return row!.id;
}

/** Stores a batch row with its report (as the ingestion does after evaluating it) and returns the report with its id. */
export async function storeBatch(h: Harness, project: ProjectRow, referenceId: number, report: DriftReport): Promise<DriftReport> {
  const now = h.clock.now();
  const [row] = await h.database.db
    .insert(driftBatches)
    .values({
      teamId: project.teamId,
      projectId: project.id,
      referenceId,
      rows: report.rows,
      observedAt: now,
      receivedAt: now,
      driftShare: report.share,
      datasetDrift: report.datasetDrift,
      performanceAlert: report.performanceAlert,
      report: {},
    })
    .returning({ id: driftBatches.id });
  const stored = { ...report, batchId: row!.id, observedAt: now.toISOString() };
  await h.database.db.update(driftBatches).set({ report: stored }).where(eq(driftBatches.id, row!.id));
  return stored;
}

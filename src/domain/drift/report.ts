import type { DatasetDriftResult } from './evaluate.js';

/**
 * A success metric of the design brief recomputed from a batch's predictions and labels. `value`
 * is null when the batch cannot give it (no labels, one class only for AUC…).
 */
export interface PerformanceCheck {
  metric: string;
  direction: 'maximize' | 'minimize';
  target: number;
  value: number | null;
  /** The value misses its target: a performance alert. Null when there is no value. */
  met: boolean | null;
}

/**
 * What a batch of production data is judged to be: the per-column drift of its features (and of
 * the model's predictions), the dataset verdict, and the success metrics recomputed from labels.
 * Stored as `drift_batches.report`, returned by the observations API and `GET …/drift`, and read by
 * the alert threads. Every number comes from code (src/domain/drift), never from an LLM.
 */
export interface DriftReport extends DatasetDriftResult {
  batchId: number;
  rows: number;
  observedAt: string;
  performance: PerformanceCheck[];
  /** Any performance check that missed its target. */
  performanceAlert: boolean;
}

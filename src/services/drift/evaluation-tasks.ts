import { missingOf, type ColumnRole, type TypedColumn } from '../../domain/drift/columns.js';
import type { ColumnKind } from '../../domain/drift/default-test.js';
import { decodeUpload, type MediaType, type UploadOptions } from '../../domain/drift/input.js';
import { DriftInputError, type DriftInputErrorData } from '../../domain/drift/input-error.js';
import { prepareBatch, prepareReference, type PreparedColumn } from '../../domain/drift/prepare.js';
import { scoreBatch, type BatchScore } from '../../domain/drift/score-batch.js';
import type { DriftSettingsInput } from '../../domain/drift/settings.js';
import type { MissingCounts } from '../../domain/drift/values.js';
import type { SuccessMetric } from '../../domain/metrics/success-metric.js';
import { sharedUtf8, utf8Text } from './shared-text.js';

/**
 * The CPU-heavy part of a drift upload — decoding the body, checking it, typing its columns and
 * computing the statistics — as plain data in, plain data out, so it runs the same in a worker
 * thread (evaluation-worker.ts) or inline for small uploads (evaluation-pool.ts decides).
 *
 * Numeric reference columns travel as Float64Arrays over SharedArrayBuffers: the reference is
 * read by every batch while it is live, so it is shared with the workers rather than copied or
 * transferred (a transfer would take it away from the cache). The request body, used once, is
 * transferred: its blocks of bytes, each an ArrayBuffer of its own. Categorical reference columns
 * travel as the UTF-8 bytes of their JSON, shared too, parsed in the worker.
 */

export interface StoredColumn {
  name: string;
  role: ColumnRole;
  kind: ColumnKind;
  /** numeric: the values, shared memory, nulls marked (columns.ts). */
  numeric?: Float64Array;
  /** categorical: the values as a JSON array of strings and nulls, UTF-8, shared memory (shared-text.ts). */
  categorical?: Uint8Array;
}

export type DriftTask =
  | { type: 'reference'; body: Uint8Array[]; media: MediaType; options: UploadOptions }
  | {
      type: 'batch';
      body: Uint8Array[];
      media: MediaType;
      options: UploadOptions;
      reference: StoredColumn[];
      settings: DriftSettingsInput;
      targets: SuccessMetric[];
    };

export interface ReferenceTaskValue {
  rows: number;
  columns: (StoredColumn & { present: number; missing: MissingCounts })[];
}

export interface BatchTaskValue {
  rows: number;
  timestamp: string | undefined;
  score: BatchScore;
}

export type TaskOutcome<T> = { ok: true; value: T } | { ok: false; error: DriftInputErrorData };
export type TaskValue<T extends DriftTask> = T extends { type: 'reference' } ? ReferenceTaskValue : BatchTaskValue;

/** Runs a task; a refusal of the input is an outcome, anything else throws. */
export function runDriftTask<T extends DriftTask>(task: T): TaskOutcome<TaskValue<T>> {
  try {
    const value = task.type === 'reference' ? referenceTask(task) : batchTask(task);
    return { ok: true, value: value as TaskValue<T> };
  } catch (err) {
    if (err instanceof DriftInputError) return { ok: false, error: err.toJSON() };
    throw err;
  }
}

function referenceTask(task: Extract<DriftTask, { type: 'reference' }>): ReferenceTaskValue {
  const raw = decodeUpload(task.body, task.media, 'reference', task.options);
  const columns = prepareReference(raw, { shared: true }).map(({ name, role, column }) => {
    const { present, ...missing } = missingOf(column);
    return column.kind === 'numeric'
      ? { name, role, kind: column.kind, numeric: column.values, present, missing }
      : { name, role, kind: column.kind, categorical: sharedUtf8(JSON.stringify(column.values)), present, missing };
  });
  return { rows: raw.rows, columns };
}

function batchTask(task: Extract<DriftTask, { type: 'batch' }>): BatchTaskValue {
  const raw = decodeUpload(task.body, task.media, 'observations', task.options);
  const current = prepareBatch(raw, task.reference);
  const reference: PreparedColumn[] = task.reference.map((c) => ({ name: c.name, role: c.role, column: typedStored(c) }));
  return { rows: raw.rows, timestamp: raw.timestamp, score: scoreBatch(reference, current, task.settings, task.targets) };
}

function typedStored(c: StoredColumn): TypedColumn {
  if (c.kind === 'numeric') return { kind: 'numeric', values: c.numeric! };
  return { kind: 'categorical', values: JSON.parse(utf8Text(c.categorical!)) as (string | null)[] };
}

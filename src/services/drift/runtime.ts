import type { Logger } from '../../logger.js';
import { raiseDriftAlert } from './alerts/raise.js';
import { createEvaluationPool, defaultPoolSize, runInline, type EvaluationPool } from './evaluation-pool.js';
import type { DriftTask, TaskOutcome, TaskValue } from './evaluation-tasks.js';
import { ReferenceCache } from './reference-cache.js';

/**
 * What drift ingestion keeps for the life of the app: the evaluation threads, the decoded
 * references, and the alert seam a stored batch calls (a field, so a test can count the calls).
 */
export interface DriftRuntime {
  /** Runs a task in a worker thread, or inline when it is small (`values`: the work, roughly). */
  evaluate<T extends DriftTask>(task: T, cost: { values: number }): Promise<TaskOutcome<TaskValue<T>>>;
  readonly references: ReferenceCache;
  raiseAlert: typeof raiseDriftAlert;
  readonly poolSize: number;
  close(): Promise<void>;
}

export interface DriftRuntimeOptions {
  log: Logger;
  poolSize?: number;
  /**
   * Below this many values (reference and batch together) a task runs inline: sorting and
   * testing 50,000 values takes a few milliseconds, less than the hop to a thread and back.
   */
  inlineBelowValues?: number;
  cacheBytes?: number;
}

export const INLINE_BELOW_VALUES = 50_000;
/** A value in a JSON or CSV body takes about this many bytes ("12.345,"): the body's share of the cost. */
export const BYTES_PER_VALUE = 8;

export function createDriftRuntime(opts: DriftRuntimeOptions): DriftRuntime {
  let pool: EvaluationPool | undefined;
  const size = opts.poolSize ?? defaultPoolSize();
  const inlineBelow = opts.inlineBelowValues ?? INLINE_BELOW_VALUES;
  return {
    references: new ReferenceCache(opts.cacheBytes),
    raiseAlert: raiseDriftAlert,
    poolSize: size,
    async evaluate(task, cost) {
      const bytes = task.body.reduce((n, b) => n + b.byteLength, 0);
      if (cost.values + bytes / BYTES_PER_VALUE < inlineBelow) return runInline(task);
      pool ??= createEvaluationPool({ size, log: opts.log });
      // The body is used once: hand its memory to the thread rather than copy it, when it owns it.
      const body = task.body.map((b) => (ownsBuffer(b) ? b : b.slice()));
      return pool.run({ ...task, body }, body.map((b) => b.buffer as ArrayBuffer));
    },
    async close() {
      await pool?.close();
    },
  };
}

/** A view that spans its whole (non-shared) ArrayBuffer: transferring it gives away nothing else. */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

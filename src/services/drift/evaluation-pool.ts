import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type TransferListItem, Worker } from 'node:worker_threads';
import { DriftInputError } from '../../domain/drift/input-error.js';
import type { Logger } from '../../logger.js';
import { runDriftTask, type DriftTask, type TaskOutcome, type TaskValue } from './evaluation-tasks.js';

/**
 * Drift evaluation off the event loop: a small fixed pool of worker threads, so that while a
 * million-row batch is decoded and scored, Slack acks and other API calls are still answered.
 *
 * Written on node:worker_threads rather than a pool library (piscina, tinypool) because what is
 * needed is small — a fixed number of threads, a FIFO queue with a bound, transfer lists, shutdown
 * — and the one hard part is not something those libraries solve: the worker must load both from
 * TypeScript sources (tsx in development, vitest in tests) and from compiled JS in dist/. Node 20
 * worker threads do not inherit the parent's loader hooks, and a pool library takes a filename,
 * so it would need the same bootstrap below anyway. Here a worker starts from a one-line eval
 * script that imports the compiled worker directly, or, when this module is itself a .ts source,
 * imports the .ts worker through tsx's `tsImport` (tsx is a development dependency; dist/ never
 * needs it).
 *
 * Threads start on first use (most projects send no drift data), hold no state between tasks,
 * and a thread that dies (out of memory on a huge upload) fails its task and is replaced on demand.
 */

export interface EvaluationPool {
  readonly size: number;
  run<T extends DriftTask>(task: T, transfer?: TransferListItem[]): Promise<TaskOutcome<TaskValue<T>>>;
  close(): Promise<void>;
}

/**
 * Threads for drift evaluation: one fewer than the machine's parallelism, so that with every thread
 * busy a core is still free for the event loop (Slack acks, other API calls); at least 1, at most 4.
 */
export function defaultPoolSize(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

interface Job {
  id: number;
  task: DriftTask;
  transfer: TransferListItem[];
  resolve(outcome: TaskOutcome<unknown>): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/** tsx's ESM API as a file URL, resolved from this module (require.resolve would give its CommonJS build). */
function tsxEsmApi(from: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifest), pkg.exports['./esm/api']!.import.default)).href;
}

function workerBootstrap(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./evaluation-worker.ts', here).href;
    const tsx = tsxEsmApi(here);
    return `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`;
  }
  return `import(${JSON.stringify(new URL('./evaluation-worker.js', here).href)});`;
}

export function createEvaluationPool(opts: { size?: number; maxQueue?: number; log: Logger }): EvaluationPool {
  const size = opts.size ?? defaultPoolSize();
  // Each queued upload holds its body in memory; past this many waiting, callers are told to retry.
  const maxQueue = opts.maxQueue ?? 4 * size;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(workerBootstrap(), { eval: true, name: 'drift-evaluation' });
    const slot: Slot = { worker, job: null };
    const fail = (reason: string) => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const job = slot.job;
      slot.job = null;
      if (job) job.reject(new Error(`drift evaluation worker failed: ${reason}`));
      else if (!closed) opts.log.error(`drift evaluation worker stopped: ${reason}`);
      pump();
    };
    worker.on('message', (m: { id: number; outcome?: TaskOutcome<unknown>; crash?: string }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = null;
      worker.unref();
      if (m.crash !== undefined) job.reject(new Error(`drift evaluation failed: ${m.crash}`));
      else job.resolve(m.outcome!);
      pump();
    });
    worker.on('error', (err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    worker.unref();
    slots.push(slot);
    return slot;
  };

  const pump = () => {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => s.job === null) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      // Referenced while working: a task in flight keeps the process alive, an idle pool does not.
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, task: job.task }, job.transfer);
    }
  };

  return {
    size,
    run(task, transfer = []) {
      if (closed) return Promise.reject(new Error('the drift evaluation pool is closed'));
      if (queue.length >= maxQueue) {
        return Promise.reject(new DriftInputError('busy', 'Drift evaluation is busy with other uploads; retry in a few seconds.', null));
      }
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, task, transfer, resolve: resolve as Job['resolve'], reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the drift evaluation pool is closed'));
      await Promise.all(
        slots.splice(0).map(async (s) => {
          s.job?.reject(new Error('the drift evaluation pool is closed'));
          s.job = null;
          s.worker.removeAllListeners('exit');
          await s.worker.terminate();
        }),
      );
    },
  };
}

/** The same work on the calling thread, for uploads too small to be worth a thread hop. */
export function runInline<T extends DriftTask>(task: T): TaskOutcome<TaskValue<T>> {
  return runDriftTask(task);
}

import { parentPort } from 'node:worker_threads';
import { runDriftTask, type DriftTask } from './evaluation-tasks.js';

/**
 * A worker thread of the drift evaluation pool: one task at a time, answered by id. A refused
 * input is an ordinary outcome; an unexpected error is sent back as `crash` and the thread stays.
 */
const port = parentPort;
if (!port) throw new Error('evaluation-worker.ts runs as a worker thread (evaluation-pool.ts starts it)');

port.on('message', ({ id, task }: { id: number; task: DriftTask }) => {
  try {
    port.postMessage({ id, outcome: runDriftTask(task) });
  } catch (err) {
    port.postMessage({ id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

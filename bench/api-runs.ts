/**
 * Runs logged per second through POST /api/v1/projects/{slug}/runs on PostgreSQL, with 50
 * concurrent clients, and the latency percentiles. Each request is the full path: token check,
 * validation, insert of the run and its metric rows, the summary's comparisons (best earlier run,
 * rank, targets) and queueing the summary in the outbox.
 *
 *   npx tsx bench/api-runs.ts [--requests 5000] [--clients 50] [--deliver]
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
 * a fresh database is created and dropped. --deliver also runs the outbox worker (posting the
 * summaries to the local Slack emulator) in the same process, as a single replica would.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApp } from '../src/app.js';
import { insertApiToken } from '../src/db/repositories/api-tokens.js';
import { outboxCounts } from '../src/db/repositories/outbox.js';
import { countRuns } from '../src/db/repositories/runs.js';
import { newToken } from '../src/domain/experiments/api-token.js';
import { createLogger } from '../src/logger.js';
import { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';
import { freshDatabase } from '../test/helpers/db.js';
import { testConfig } from '../test/helpers/harness.js';
import { projectWithTargets } from '../test/helpers/runs.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '50' },
    deliver: { type: 'boolean', default: false },
    // Internal: the load generator runs in its own process so its HTTP client does not eat the server's CPU.
    'load-url': { type: 'string' },
    'load-token': { type: 'string' },
  },
});
const REQUESTS = Number(values.requests);
const CLIENTS = Number(values.clients);
const WARMUP = 200;
process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const slack = await new SlackWebApiEmulator().start();
  // A pool a little larger than the client count, as a replica serving CI traffic would have.
  const database = await freshDatabase('postgres', { poolSize: 20 });
  const config = testConfig(slack);
  // No rate limit: the benchmark measures the request path itself, from one token and one address.
  const app = await startApp({ config, database, llm: null, runJobs: values.deliver, log: createLogger({ level: 'error' }), apiRateLimits: false });
  try {
    const now = new Date();
    const project = await projectWithTargets(database.db, {
      teamId: slack.teamId,
      slug: 'bench',
      channelId: 'C0BENCH',
      ownerId: 'U0BENCH',
      now,
      phase: 'development',
      targets: [
        { name: 'auc', direction: 'maximize', target: 0.95 },
        { name: 'latency_ms', direction: 'minimize', target: 50 },
      ],
    });
    const t = newToken();
    await insertApiToken(database.db, { teamId: slack.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: 'U0BENCH', now });
    const url = `${app.url}/api/v1/projects/bench/runs`;

    const { latencies, errors, seconds } = await runLoadInChild(url, t.token);
    latencies.sort((a, b) => a - b);
    const stored = await countRuns(database.db, { teamId: slack.teamId, projectId: project.id });
    console.log(`POST /api/v1/projects/{slug}/runs on PostgreSQL: ${REQUESTS} requests, ${CLIENTS} concurrent clients${values.deliver ? ', outbox worker running' : ''}`);
    console.log(`  throughput: ${(REQUESTS / seconds).toFixed(0)} runs/s over ${seconds.toFixed(1)} s`);
    console.log(`  latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)!.toFixed(1)}`);
    console.log(`  non-201 responses: ${errors}; runs stored: ${stored} (${WARMUP} warm-up + ${REQUESTS}); outbox: ${JSON.stringify(await outboxCounts(database.db))}`);
  } finally {
    await app.stop();
    await database.close();
    await slack.close();
  }
}

interface LoadResult {
  latencies: number[];
  errors: number;
  seconds: number;
}

function runLoadInChild(url: string, token: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load-url', url, '--load-token', token, '--requests', String(REQUESTS), '--clients', String(CLIENTS)], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

/** The load generator: CLIENTS loops, each POSTing the next run until REQUESTS are done (after a warm-up). */
async function generateLoad(url: string, token: string): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const client = async (total: number, record: boolean) => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const body = JSON.stringify({
        name: `run-${i}`,
        metrics: { auc: 0.8 + Math.random() * 0.15, latency_ms: 40 + Math.random() * 60, f1: Math.random() },
        params: { lr: String(10 ** -(1 + (i % 4))), depth: String(4 + (i % 8)), seed: String(i) },
        commit: 'abcdef1234',
      });
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { ...headers, 'idempotency-key': `bench-${record ? 'm' : 'w'}-${i}` }, body });
      await res.arrayBuffer();
      if (record) latencies.push(performance.now() - t0);
      if (res.status !== 201) errors++;
    }
  };

  await Promise.all(Array.from({ length: CLIENTS }, () => client(WARMUP, false)));
  next = 0;
  errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, () => client(REQUESTS, true)));
  const seconds = (performance.now() - started) / 1000;
  return { latencies, errors, seconds };
}

if (values['load-url']) {
  const result = await generateLoad(values['load-url'], values['load-token']!);
  process.send!(result, () => process.exit(0));
} else {
  await main();
}

/**
 * Runs logged per second through POST /api/v1/projects/{slug}/runs on PostgreSQL, with 50
 * concurrent clients, and the latency percentiles. Each request is the full path: token check,
 * validation, the run and its metric rows, and the summary queued in the outbox (rendered when it
 * is sent).
 *
 *   npx tsx bench/api-runs.ts [--requests 5000] [--clients 50] [--history 100000] [--runs 3] [--deliver]
 *
 * Without --history it measures with no history and with 100,000 runs stored, job runner on, and
 * reports both to RESULTS.md.
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (without either it says so and measures nothing);
 * a fresh database (bench_ingest_<random>) is created and dropped. --history N stores N runs with
 * their metric rows and sent summaries (SQL, generate_series) before measuring, so the figure shows
 * whether ingestion slows as a project's history grows. --runs N measures N times on the same app
 * and reports the median and the range. --deliver runs the job runner (the outbox worker posting
 * summaries to the local Slack emulator) in the same process, as a single replica would; without it
 * the runner is off and summaries only queue.
 *
 * The load generator (autocannon) runs in its own process so it does not eat the server's CPU. The
 * last line is machine-readable: `RESULT {"bench":"api-runs",...}`.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { startApp } from '../src/app.js';
import { type Database, openPostgres } from '../src/db/client.js';
import { insertApiToken } from '../src/db/repositories/api-tokens.js';
import { outboxCounts } from '../src/db/repositories/outbox.js';
import { countRuns } from '../src/db/repositories/runs.js';
import { newToken } from '../src/domain/experiments/api-token.js';
import { createLogger } from '../src/logger.js';
import { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';
import { createPostgresDatabase } from '../test/helpers/db.js';
import { testConfig } from '../test/helpers/harness.js';
import { projectWithTargets } from '../test/helpers/runs.js';
import { emitResult, median, percentile, spread, table } from './_result.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '50' },
    // Unset: both 0 and 100,000, job runner on, three runs each — what `npm run bench` reports.
    history: { type: 'string' },
    runs: { type: 'string', default: '3' },
    deliver: { type: 'boolean', default: false },
    // Internal: the load generator's process.
    'load-url': { type: 'string' },
    'load-token': { type: 'string' },
    'load-tag': { type: 'string' },
  },
});
const REQUESTS = Number(values.requests);
const CLIENTS = Number(values.clients);
// Unset --history: the figure, both histories with the job runner off (the ingestion path
// alone) and on (the outbox draining the backlog of summaries to an emulator that answers at once).
const CASES: { history: number; deliver: boolean }[] =
  values.history === undefined
    ? [false, true].flatMap((deliver) => [0, 100_000].map((history) => ({ history, deliver })))
    : [{ history: Number(values.history), deliver: values.deliver }];
const RUNS = Math.max(1, Number(values.runs));
const WARMUP = 500;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const round1 = (x: number) => Math.round(x * 10) / 10;

/** A new migrated PostgreSQL database, dropped on close. */
async function benchDatabase(): Promise<Database & { url: string; name: string }> {
  const created = await createPostgresDatabase(ADMIN_URL, 'bench_ingest');
  // A pool a little larger than needed, as a replica serving CI traffic would have.
  const db = openPostgres(created.url, 20);
  await db.migrate();
  return {
    ...db,
    url: created.url,
    name: created.name,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/**
 * `n` earlier runs of the project, a day and more before now, with their metric rows and their
 * summaries (sent), written by SQL in a few statements.
 */
async function preloadHistory(url: string, p: { teamId: string; projectId: number; channelId: string }, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `insert into runs (team_id, project_id, name, author_id, source, metrics, params, commit_sha, created_at)
       select $1, $2, 'hist-' || g, 'token:history', 'api',
              jsonb_build_object('auc', 0.8 + random() * 0.15, 'latency_ms', 40 + random() * 60, 'f1', random()),
              jsonb_build_object('lr', '0.01', 'seed', g::text), 'abcdef1234',
              now() - interval '1 day' - ($3 - g) * interval '1 second'
       from generate_series(1, $3::int) g`,
      [p.teamId, p.projectId, n],
    );
    await c.query(
      `insert into run_metrics (run_id, project_id, name, value)
       select r.id, r.project_id, m.key, m.value::text::float8 from runs r, jsonb_each(r.metrics) m where r.project_id = $1`,
      [p.projectId],
    );
    await c.query(
      `insert into outbox (team_id, method, channel_id, payload, dedupe_key, status, attempts, next_attempt_at, created_at, sent_at, ts)
       select $1, 'chat.postMessage', $2, jsonb_build_object('text', 'history'), 'run-summary:' || r.id, 'sent', 1, r.created_at, r.created_at, r.created_at,
              extract(epoch from r.created_at)::bigint || '.' || lpad((r.id % 1000000)::text, 6, '0')
       from runs r where r.project_id = $3`,
      [p.teamId, p.channelId, p.projectId],
    );
    await c.query('vacuum analyze runs, run_metrics, outbox');
  } finally {
    await c.end();
  }
}

/**
 * CPU time (ms) of this process and of the PostgreSQL backends serving this benchmark's database:
 * on a shared machine the rate moves with everyone else's load, the CPU spent per run much less.
 */
async function cpuNow(admin: pg.Client, dbName: string): Promise<{ app: number; pg: Map<number, number> }> {
  const usage = process.cpuUsage();
  const pids = (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName])).rows.map((r) => r.pid);
  const pgCpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime and stime (fields 14 and 15), in clock ticks of 10 ms.
      pgCpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Not on this machine (a remote server) or gone: not counted.
    }
  }
  return { app: (usage.user + usage.system) / 1000, pg: pgCpu };
}

function cpuSpent(before: Awaited<ReturnType<typeof cpuNow>>, after: Awaited<ReturnType<typeof cpuNow>>): { app: number; pg: number } {
  let pgMs = 0;
  for (const [pid, ms] of after.pg) pgMs += ms - (before.pg.get(pid) ?? 0);
  return { app: after.app - before.app, pg: pgMs };
}

interface LoadResult {
  latencies: number[];
  non201: number;
  errors: number;
  seconds: number;
}

type Result = Record<string, unknown> & { runsPerSec: number; runsPerSecMin: number; runsPerSecMax: number; p50Ms: number; p99Ms: number; appCpuMsPerRun: number; pgCpuMsPerRun: number; history: number; non201: number; rates: number[]; p50s: number[]; p99s: number[] };

async function main(HISTORY: number, DELIVER: boolean): Promise<Result> {
  const slack = await new SlackWebApiEmulator().start();
  const database = await benchDatabase();
  const config = testConfig(slack);
  // No rate limit: the benchmark measures the request path itself, from one token and one address.
  const app = await startApp({ config, database, llm: null, runJobs: DELIVER, log: createLogger({ level: 'error' }), apiRateLimits: false });
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
    const scope = { teamId: slack.teamId, projectId: project.id };
    if (HISTORY > 0) {
      const t0 = performance.now();
      await preloadHistory(database.url, { ...scope, channelId: project.channelId }, HISTORY);
      console.log(`history: ${await countRuns(database.db, scope)} runs stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const t = newToken();
    await insertApiToken(database.db, { teamId: slack.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: 'U0BENCH', now });
    const url = `${app.url}/api/v1/projects/bench/runs`;

    await runLoadInChild(url, t.token, 'warm', WARMUP);
    const results: (LoadResult & { rate: number; p50: number; p95: number; p99: number; appCpuMs: number; pgCpuMs: number })[] = [];
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      for (let i = 0; i < RUNS; i++) {
        const cpuBefore = await cpuNow(admin, database.name);
        const r = await runLoadInChild(url, t.token, `m${i}`, REQUESTS);
        const cpu = cpuSpent(cpuBefore, await cpuNow(admin, database.name));
        const sorted = r.latencies.sort((a, b) => a - b);
        const one = { ...r, rate: REQUESTS / r.seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), appCpuMs: cpu.app / REQUESTS, pgCpuMs: cpu.pg / REQUESTS };
        results.push(one);
        console.log(
          `  run ${i + 1}/${RUNS}: ${one.rate.toFixed(0)} runs/s over ${r.seconds.toFixed(1)} s; latency ms p50 ${one.p50.toFixed(1)}, p95 ${one.p95.toFixed(1)}, p99 ${one.p99.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}; CPU per run: app ${one.appCpuMs.toFixed(3)} ms, PostgreSQL ${one.pgCpuMs.toFixed(3)} ms; non-201 ${r.non201}, errors ${r.errors}; load ${loadavg()[0]!.toFixed(2)}`,
        );
      }
    } finally {
      await admin.end();
    }
    const stored = await countRuns(database.db, scope);
    const rates = results.map((r) => r.rate);
    console.log(`POST /api/v1/projects/{slug}/runs on PostgreSQL: ${REQUESTS} requests × ${RUNS}, ${CLIENTS} concurrent clients, ${HISTORY} runs of history${DELIVER ? ', job runner on (outbox posting to the emulator)' : ', job runner off'}`);
    console.log(`  throughput: median ${median(rates).toFixed(0)} runs/s (min ${Math.min(...rates).toFixed(0)}, max ${Math.max(...rates).toFixed(0)})`);
    console.log(`  CPU per run (median): app ${median(results.map((r) => r.appCpuMs)).toFixed(3)} ms, PostgreSQL ${median(results.map((r) => r.pgCpuMs)).toFixed(3)} ms`);
    console.log(`  latency ms (median of runs): p50 ${median(results.map((r) => r.p50)).toFixed(1)}, p95 ${median(results.map((r) => r.p95)).toFixed(1)}, p99 ${median(results.map((r) => r.p99)).toFixed(1)}`);
    console.log(`  runs stored: ${stored} (${HISTORY} history + ${WARMUP} warm-up + ${REQUESTS * RUNS}); outbox: ${JSON.stringify(await outboxCounts(database.db))}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const result = {
      bench: 'api-runs',
      runsPerSec: Math.round(median(rates)),
      runsPerSecMin: Math.round(Math.min(...rates)),
      runsPerSecMax: Math.round(Math.max(...rates)),
      p50Ms: round1(median(results.map((r) => r.p50))),
      p95Ms: round1(median(results.map((r) => r.p95))),
      p99Ms: round1(median(results.map((r) => r.p99))),
      appCpuMsPerRun: Math.round(median(results.map((r) => r.appCpuMs)) * 1000) / 1000,
      pgCpuMsPerRun: Math.round(median(results.map((r) => r.pgCpuMs)) * 1000) / 1000,
      history: HISTORY,
      requests: REQUESTS,
      clients: CLIENTS,
      runs: RUNS,
      deliver: DELIVER,
      rates,
      p50s: results.map((r) => r.p50),
      p99s: results.map((r) => r.p99),
      non201: results.reduce((n, r) => n + r.non201 + r.errors, 0),
      loadavg: loadavg().map((l) => round1(l)),
    };
    return result;
  } finally {
    await app.stop();
    await database.close();
    await slack.close();
  }
}

function runLoadInChild(url: string, token: string, tag: string, requests: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['--load-url', url, '--load-token', token, '--load-tag', tag, '--requests', String(requests), '--clients', String(CLIENTS)];
    const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

/** The load generator: CLIENTS connections POSTing distinct runs (each with its own Idempotency-Key) until `requests` are answered. */
function generateLoad(url: string, token: string, tag: string, requests: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let non201 = 0;
  let i = 0;
  const started = performance.now();
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CLIENTS,
        amount: requests,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const n = i++;
              const body = JSON.stringify({
                name: `run-${tag}-${n}`,
                metrics: { auc: 0.8 + Math.random() * 0.15, latency_ms: 40 + Math.random() * 60, f1: Math.random() },
                params: { lr: String(10 ** -(1 + (n % 4))), depth: String(4 + (n % 8)), seed: String(n) },
                commit: 'abcdef1234',
              });
              return { ...req, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${tag}-${n}` }, body };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        // Until the last answer: autocannon itself notices that it is done on its once-a-second tick.
        resolve({ latencies, non201, errors: result.errors + result.timeouts, seconds: (lastAnswer - started) / 1000 });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      lastAnswer = performance.now();
      latencies.push(ms);
      if (status !== 201) non201++;
    });
  });
}

if (values['load-url']) {
  const result = await generateLoad(values['load-url'], values['load-token']!, values['load-tag']!, REQUESTS);
  process.send!(result, () => process.exit(0));
} else if (!process.env.BENCH_DATABASE_URL && !process.env.TEST_DATABASE_URL) {
  // `npm run bench` sets TEST_DATABASE_URL when a PostgreSQL answers; the target is PostgreSQL's.
  console.log('api-runs needs PostgreSQL (TEST_DATABASE_URL or BENCH_DATABASE_URL): not measured.');
} else {
  const rows: Result[] = [];
  for (const c of CASES) rows.push(await main(c.history, c.deliver));
  const flatness = (deliver: boolean) => {
    const [none, many] = [0, 100_000].map((h) => rows.find((r) => r.history === h && r.deliver === deliver));
    return none && many ? `${(many.runsPerSec / none.runsPerSec).toFixed(2)}×` : undefined;
  };
  const md = [
    `POST /api/v1/projects/{slug}/runs on PostgreSQL, ${CLIENTS} concurrent connections (autocannon, in its own process), ${REQUESTS.toLocaleString('en-US')} runs per measurement, ${RUNS} measurements after ${WARMUP} warm-up runs; every run has 3 metrics and 3 params and its own Idempotency-Key. Job runner off: the ingestion path alone (summaries queue). On: as in production, the outbox sending the summaries meanwhile — to the Slack emulator, which answers at once, so the backlog drains as fast as the machine allows. History: runs (with metric rows and sent summaries) stored before measuring. CPU per run: the app's process and PostgreSQL's backends for its database.`,
    '',
    table(
      ['job runner', 'runs stored before', 'runs/s (target ≥ 1,000)', 'vs none stored (target 0.85–1.15×)', 'p50 ms', 'p99 ms', 'CPU per run: app / PostgreSQL (ms)', 'not 201'],
      rows.map((r) => [r.deliver ? 'on' : 'off', r.history.toLocaleString('en-US'), spread(r.rates), r.history ? (flatness(r.deliver as boolean) ?? '—') : '—', spread(r.p50s), spread(r.p99s), `${r.appCpuMsPerRun.toFixed(2)} / ${r.pgCpuMsPerRun.toFixed(2)}`, String(r.non201)]),
    ),
  ].join('\n');
  emitResult({ bench: 'api-runs', title: 'Run ingestion through the API', markdown: md, figures: { rows } });
}

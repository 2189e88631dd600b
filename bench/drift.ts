/**
 * Drift evaluation speed, and the event loop while a large batch goes through the API.
 *
 *   npx tsx bench/drift.ts                                  # statistics + API on embedded PGlite
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/drift.ts   # the API part on PostgreSQL too
 *   npx tsx bench/drift.ts --skip-api | --skip-stats | --db pglite|postgres | --n 100000 --rows 2000 (a quick try)
 *
 * 1. Statistics: one numeric column, 1,000,000 reference vs 1,000,000 current values (normal, the
 *    current one shifted by 0.02 sd), generated here and timed here (median of 5 after a warm-up):
 *    KS, Wasserstein, Jensen–Shannon (Sturges bins over both samples, as the app bins), PSI, and
 *    the whole column evaluation the app runs. Where SciPy is installed (/usr/bin/python3), the
 *    same values are written to a temporary float64 file and a Python subprocess times
 *    scipy.stats.ks_2samp, scipy.stats.wasserstein_distance and the NumPy binning +
 *    scipy.spatial.distance.jensenshannon on them; results are checked to agree, ratios printed.
 * 2. API: a reference and then batches of 50 columns (40 numeric, 10 categorical) × 100,000 rows
 *    as JSON through POST /api/v1/projects/{slug}/… of the real app. Each request is sent from a
 *    child process started beforehand (building and sending the body stays off the app's event
 *    loop); while it runs, the app's event loop is probed every 5 ms and its longest stall kept.
 *    Also a batch after the reference cache was emptied (reference read back from the database),
 *    and the probe alone over as long a window, to show what the machine's load adds by itself.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApp } from '../src/app.js';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../src/db/client.js';
import { insertApiToken } from '../src/db/repositories/api-tokens.js';
import { binNumeric } from '../src/domain/drift/binning.js';
import { evaluateColumn } from '../src/domain/drift/evaluate.js';
import { jensenShannon } from '../src/domain/drift/jensen-shannon.js';
import { ksTwoSample } from '../src/domain/drift/ks.js';
import { psi } from '../src/domain/drift/psi.js';
import { sortedCopy } from '../src/domain/drift/sort.js';
import { wasserstein } from '../src/domain/drift/wasserstein.js';
import { newToken } from '../src/domain/experiments/api-token.js';
import { createLogger } from '../src/logger.js';
import { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';
import { freshDatabase, type DbKind } from '../test/helpers/db.js';
import { choices, normals, rng } from '../test/helpers/drift-samples.js';
import { testConfig } from '../test/helpers/harness.js';
import { projectWithTargets } from '../test/helpers/runs.js';
import { emitResult, median, table } from './_result.js';

const { values: args } = parseArgs({
  options: {
    'skip-api': { type: 'boolean', default: false },
    'skip-stats': { type: 'boolean', default: false },
    // Smaller sizes, to try the benchmark out; the figures in bench/README.md use the defaults.
    n: { type: 'string', default: '1000000' },
    rows: { type: 'string', default: '100000' },
    // Which databases the API part runs on: PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
    db: { type: 'string', default: 'both' },
    // Internal: the child process that sends one request.
    'send-url': { type: 'string' },
    'send-token': { type: 'string' },
    'send-file': { type: 'string' },
  },
});

const N = Number(args.n);
const ROWS = Number(args.rows);
const RUNS = 5;
/** What the run reports to RESULTS.md: statistics against SciPy, and the API's stalls. */
const statRows: string[][] = [];
const apiRows: string[][] = [];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

function time<T>(fn: () => T): { ms: number; value: T } {
  fn(); // warm-up
  const samples: number[] = [];
  let value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    value = fn();
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), value };
}

const PYTHON = `
import json, sys, time
import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon
ref = np.fromfile(sys.argv[1], dtype='<f8'); cur = np.fromfile(sys.argv[2], dtype='<f8')
def timed(fn, runs=${RUNS}):
    fn(); out = []; val = None
    for _ in range(runs):
        t0 = time.perf_counter(); val = fn(); out.append((time.perf_counter() - t0) * 1000)
    return float(np.median(out)), val
def js():
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
    p = np.histogram(ref, edges)[0] / len(ref); q = np.histogram(cur, edges)[0] / len(cur)
    return float(jensenshannon(p, q, base=2))
ks_ms, ks = timed(lambda: stats.ks_2samp(ref, cur))
w_ms, w = timed(lambda: stats.wasserstein_distance(ref, cur))
js_ms, jsd = timed(js)
print(json.dumps({"ks": {"ms": ks_ms, "statistic": float(ks.statistic), "pvalue": float(ks.pvalue)}, "wasserstein": {"ms": w_ms, "value": float(w)}, "js": {"ms": js_ms, "value": jsd}}))
`;

function scipyAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import scipy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function statistics(): void {
  const r = rng(2026);
  const reference = Float64Array.from(normals(r, N, 0, 1));
  const current = Float64Array.from(normals(r, N, 0.02, 1));
  console.log(`Statistics on ${N.toLocaleString('en-US')} vs ${N.toLocaleString('en-US')} values (median of ${RUNS}; load average ${load()})`);
  const ks = time(() => ksTwoSample(reference, current));
  const w = time(() => wasserstein(reference, current));
  const binned = () => binNumeric(sortedCopy(reference), sortedCopy(current));
  const js = time(() => {
    const b = binned();
    return jensenShannon(b.reference, b.current);
  });
  const p = time(() => {
    const b = binned();
    return psi(b.reference, b.current);
  });
  const column = time(() => evaluateColumn(reference, current));
  const rows: [string, number, string][] = [
    ['KS (sort both + D + asymptotic p)', ks.ms, `D=${ks.value.statistic.toPrecision(6)} p=${ks.value.pValue.toPrecision(6)}`],
    ['Wasserstein (sort both + merge)', w.ms, `W=${w.value.toPrecision(8)}`],
    ['Jensen–Shannon (sort + Sturges bins + distance)', js.ms, `JS=${js.value.toPrecision(8)}`],
    ['PSI (sort + Sturges bins + index)', p.ms, `PSI=${p.value.toPrecision(6)}`],
    ["evaluateColumn (the app's whole column: test, PSI, chart)", column.ms, column.value.evaluable ? `${column.value.test} ${column.value.score.toPrecision(6)}` : 'not evaluable'],
  ];
  for (const [name, ms, result] of rows) console.log(`  TS     ${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms   ${result}`);

  if (!scipyAvailable()) {
    console.log('  SciPy: not installed (/usr/bin/python3 -c "import scipy" failed); apt-get install python3-scipy for the comparison.');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'drift-bench-'));
  try {
    const refFile = join(dir, 'reference.f64');
    const curFile = join(dir, 'current.f64');
    writeFileSync(refFile, Buffer.from(reference.buffer));
    writeFileSync(curFile, Buffer.from(current.buffer));
    const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON, refFile, curFile], { encoding: 'utf8' })) as {
      ks: { ms: number; statistic: number; pvalue: number };
      wasserstein: { ms: number; value: number };
      js: { ms: number; value: number };
    };
    const version = execFileSync('/usr/bin/python3', ['-c', 'import scipy, numpy; print(scipy.__version__, numpy.__version__)'], { encoding: 'utf8' }).trim().split(' ');
    console.log(`  SciPy ${version[0]} / NumPy ${version[1]} on the same values (load average ${load()}):`);
    const compare = (name: string, tsMs: number, pyMs: number, agree: boolean, detail: string) => {
      statRows.push([`\`${name}\``, `${tsMs.toFixed(0)} ms`, `${pyMs.toFixed(0)} ms`, `${(pyMs / tsMs).toFixed(2)}× as fast`, agree ? 'yes' : 'NO']);
      console.log(`  SciPy  ${name.padEnd(58)} ${pyMs.toFixed(1).padStart(8)} ms   ${detail}; TS ${(pyMs / tsMs).toFixed(2)}× as fast${agree ? '' : '  (RESULTS DIFFER)'}`);
    };
    const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
    compare('scipy.stats.ks_2samp', ks.ms, py.ks.ms, py.ks.statistic === ks.value.statistic && close(py.ks.pvalue, ks.value.pValue, 1e-9), `D=${py.ks.statistic.toPrecision(6)} p=${py.ks.pvalue.toPrecision(6)}`);
    compare('scipy.stats.wasserstein_distance', w.ms, py.wasserstein.ms, close(py.wasserstein.value, w.value, 1e-12), `W=${py.wasserstein.value.toPrecision(8)}`);
    compare('np.histogram (Sturges) + jensenshannon(base=2)', js.ms, py.js.ms, close(py.js.value, js.value, 1e-9), `JS=${py.js.value.toPrecision(8)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A batch of 50 columns × rows: 40 numeric (4 decimals), 10 categorical; `shift` moves every 4th numeric one and tilts the categories. */
function batchBody(rows: number, seed: number, shift: number): Buffer {
  const r = rng(seed);
  const features: Record<string, unknown[]> = {};
  for (let c = 0; c < 40; c++) features[`num_${c}`] = normals(r, rows, c + (c % 4 === 0 ? shift : 0), 1 + c / 10);
  for (let c = 0; c < 10; c++) features[`cat_${c}`] = choices(r, ['a', 'b', 'c', 'd', 'e', 'f'], [6, 5, 4, 3, 2, 1 + (c % 2) * shift * 10], rows);
  return Buffer.from(JSON.stringify({ features }));
}

interface Sent {
  status: number;
  ms: number;
  summary: string;
}

/**
 * A child process ready to send one request: started (tsx compiling there) before the probe window
 * opens, so only the request itself falls inside it.
 */
async function sender(url: string, token: string, file: string): Promise<() => Promise<Sent>> {
  const child = fork(fileURLToPath(import.meta.url), ['--send-url', url, '--send-token', token, '--send-file', file], { execArgv: ['--import', 'tsx'] });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, unknown>));
      child.once('error', reject);
    });
  await next(); // ready: body read, HTTP client warm
  return async () => {
    const done = next();
    child.send('go');
    return (await done) as unknown as Sent;
  };
}

/** The main thread's time on a CPU and waiting for one, from Linux's schedstat (ns); null elsewhere. */
function schedstat(): { cpu: number; wait: number } | null {
  try {
    const [cpu, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpu: cpu!, wait: wait! };
  } catch {
    return null;
  }
}

interface Stall {
  /** The longest gap between 5 ms ticks beyond their period: how long the event loop answered nothing. */
  wallMs: number;
  /** Of that gap, the time the main thread actually ran; the rest it waited for a core (the machine's load). */
  cpuMs: number | null;
  /** The largest on-CPU time within any one gap: the longest the app itself kept the loop busy. */
  maxCpuMs: number | null;
  p99Ms: number;
}

async function probeStall<T>(during: () => Promise<T>): Promise<{ result: T } & Stall> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let last = performance.now();
  let lastSched = schedstat();
  let wallMs = 0;
  let cpuMs: number | null = null;
  let maxCpuMs: number | null = null;
  const timer = setInterval(() => {
    const now = performance.now();
    const sched = schedstat();
    const gap = now - last - 5;
    const cpu = sched && lastSched ? (sched.cpu - lastSched.cpu) / 1e6 : null;
    if (gap > wallMs) [wallMs, cpuMs] = [gap, cpu];
    if (cpu !== null) maxCpuMs = Math.max(maxCpuMs ?? 0, cpu);
    last = now;
    lastSched = sched;
  }, 5);
  try {
    const result = await during();
    return { result, wallMs, cpuMs, maxCpuMs, p99Ms: histogram.percentile(99) / 1e6 };
  } finally {
    clearInterval(timer);
    histogram.disable();
  }
}

function describeStall(s: Stall): string {
  const cpu = s.cpuMs === null ? '' : ` (on CPU ${s.cpuMs.toFixed(1)} ms of it; most on CPU in one gap ${s.maxCpuMs!.toFixed(1)} ms)`;
  return `longest stall ${s.wallMs.toFixed(1).padStart(6)} ms${cpu}, p99 delay ${s.p99Ms.toFixed(1)} ms`;
}

async function apiRun(kind: DbKind): Promise<void> {
  const slack = await new SlackWebApiEmulator().start();
  const database = await freshDatabase(kind);
  const app = await startApp({ config: testConfig(slack), database, llm: null, runJobs: false, log: createLogger({ level: 'error' }), apiRateLimits: false });
  const dir = mkdtempSync(join(tmpdir(), 'drift-bench-'));
  try {
    const now = new Date();
    const project = await projectWithTargets(database.db, { teamId: slack.teamId, slug: 'bench', channelId: 'C0BENCH', ownerId: 'U0BENCH', now });
    const t = newToken();
    await insertApiToken(database.db, { teamId: slack.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: 'U0BENCH', now });
    const base = `${app.url}/api/v1/projects/bench`;
    const files = { reference: join(dir, 'reference.json'), batch: join(dir, 'batch.json') };
    writeFileSync(files.reference, batchBody(ROWS, 1, 0));
    writeFileSync(files.batch, batchBody(ROWS, 2, 0.3));
    const mb = (f: string) => (readFileSync(f).byteLength / 1e6).toFixed(1);
    console.log(
      `\nAPI on ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}: 50 columns × ${ROWS.toLocaleString('en-US')} rows as JSON (reference ${mb(files.reference)} MB, batch ${mb(files.batch)} MB), ${app.deps.drift.poolSize} evaluation thread(s); load average ${load()}`,
    );
    const run = async (what: string, path: string, file: string) => {
      const go = await sender(`${base}/${path}`, t.token, file);
      const r = await probeStall(go);
      console.log(`  ${what.padEnd(42)} ${r.result.status} ${(r.result.ms / 1000).toFixed(2).padStart(6)} s  ${describeStall(r)}  ${r.result.summary}`);
      apiRows.push([kind === 'postgres' ? 'PostgreSQL' : 'PGlite', what, `${(r.result.ms / 1000).toFixed(2)} s`, describeStall(r)]);
      return r.result.ms;
    };
    const values = (50 * ROWS).toLocaleString('en-US');
    const refMs = await run(`POST reference (${values} values)`, 'reference', files.reference);
    await run(`POST observations (${values} values)`, 'observations', files.batch);
    await run('POST observations again', 'observations', files.batch);
    // As after a restart or on another replica: the reference is read back from the database.
    app.deps.drift.references.clear();
    await run('POST observations, reference not cached', 'observations', files.batch);
    // What is stored: the reference column by column, and a batch as its report only.
    const [size] = rowsOf<{ numeric: string; categorical: string; report: string; reports: string }>(
      await database.db.execute(sql`select
        (select coalesce(sum(pg_column_size(numeric)), 0) from drift_reference_columns where reference_id = (select max(id) from drift_references)) as numeric,
        (select coalesce(sum(pg_column_size(categorical)), 0) from drift_reference_columns where reference_id = (select max(id) from drift_references)) as categorical,
        (select avg(pg_column_size(report))::int from drift_batches) as report,
        (select avg(length(report::text))::int from drift_batches) as reports`),
    );
    console.log(
      `  stored: reference ${(Number(size!.numeric) / 1e6).toFixed(1)} MB numeric (40 columns) + ${(Number(size!.categorical) / 1e6).toFixed(2)} MB categorical (10 columns); a batch's report ${(Number(size!.report) / 1000).toFixed(1)} kB on disk (${(Number(size!.reports) / 1000).toFixed(1)} kB as JSON text)`,
    );
    // What the machine's load does by itself: the same probe, as long, with no request.
    const idle = await probeStall(() => new Promise((resolve) => setTimeout(resolve, Math.max(2000, refMs))));
    console.log(`  ${'no request (the probe alone)'.padEnd(42)}            ${describeStall(idle)}  load average ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await app.stop();
    await database.close();
    await slack.close();
  }
}

/** The child's side: read the body, warm up, wait for the go, send, report. */
async function send(url: string, token: string, file: string): Promise<void> {
  const body = readFileSync(file);
  await (await fetch(new URL('/healthz', url))).text();
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!({ ready: true });
  });
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  const json = (await res.json()) as { nDrifted?: number; nEvaluated?: number; rows?: number; message?: string };
  const ms = performance.now() - t0;
  const summary = json.nEvaluated !== undefined ? `${json.nDrifted}/${json.nEvaluated} columns drifted` : json.rows !== undefined ? `${json.rows} rows stored` : (json.message ?? '');
  process.send!({ status: res.status, ms, summary }, () => process.exit(0));
}

if (args['send-url']) {
  await send(args['send-url'], args['send-token']!, args['send-file']!);
} else {
  if (!args['skip-stats']) statistics();
  if (!args['skip-api']) {
    if (args.db !== 'postgres') await apiRun('pglite');
    if (args.db !== 'pglite' && process.env.TEST_DATABASE_URL) await apiRun('postgres');
  }
  if (statRows.length || apiRows.length) {
    const md = [
      `Statistics on one numeric column, ${N.toLocaleString('en-US')} reference vs ${N.toLocaleString('en-US')} current values, median of ${RUNS}, against SciPy on the same values in the same run (results checked to agree). Then ${ROWS.toLocaleString('en-US')} rows × 50 columns through the HTTP API while a 5 ms probe watches the app's event loop (target: longest stall under 50 ms).`,
      '',
      statRows.length ? table(['statistic', 'TypeScript', 'SciPy', 'TypeScript vs SciPy', 'same result'], statRows) : '(SciPy not installed: no comparison)',
      '',
      apiRows.length ? table(['database', 'request', 'time', 'event loop'], apiRows) : '',
    ].join('\n');
    emitResult({ bench: 'drift', title: 'Drift statistics and ingestion', markdown: md });
  }
}

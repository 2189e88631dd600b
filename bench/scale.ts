/**
 * How far one process goes per path, and how that grows with replicas on one PostgreSQL: 1, 2 and 3
 * app processes (each its own Node process with its own pool and job runner, as separate
 * containers would be) share one database and one Slack emulator; autocannon drives every replica
 * at once, as fast as they answer, on one path at a time — `/mlops status` commands, API runs,
 * gate votes. This machine has 2 cores shared by the replicas, PostgreSQL and the load generator,
 * so the table shows where one machine's ceiling is, not how a fleet of machines scales.
 *
 *   npx tsx bench/scale.ts [--runs 3] [--seconds 10] [--connections 50] [--replicas 1,2,3]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { createPostgresDatabase } from '../test/helpers/db.js';
import { argOf, emitResult, median, spread, table } from './_result.js';
import { load, type Path, startFleet } from './_fleet.js';

const RUNS = argOf('runs', 3);
const SECONDS = argOf('seconds', 10);
const CONNECTIONS = argOf('connections', 50);
const REPLICAS = argOf('replicas', '1,2,3').split(',').map(Number);
const PATHS: Path[] = ['command', 'api-run', 'vote'];
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.log('scale needs PostgreSQL (TEST_DATABASE_URL): replicas share one database.');
  process.exit(0);
}

const LABEL: Record<Path, string> = { command: '`/mlops status` (slash command: the project report, reply in the ack)', 'api-run': 'POST …/runs (API run ingestion)', vote: 'gate vote (block action, ballot committed before the ack)' };
type Cell = { perSecond: number[]; p50: number[]; p99: number[]; bad: number; appCpuUs: number[]; pgCpuUs: number[] };

/** CPU (ms) so far of the PostgreSQL backends serving `dbName` (Linux /proc; 0 for a server elsewhere). */
async function postgresCpuMs(admin: pg.Client, dbName: string): Promise<Map<number, number>> {
  const pids = (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName])).rows.map((r) => r.pid);
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Gone, or not on this machine.
    }
  }
  return out;
}
const spent = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((s, [pid, ms]) => s + ms - (before.get(pid) ?? 0), 0);
const cells = new Map<string, Cell>();

for (const n of REPLICAS) {
  const db = await createPostgresDatabase(adminUrl, 'mlops_bench');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Each replica's pool: 10 connections, as the app's default.
  const fleet = await startFleet(db.url, n, { voters: 1001 });
  try {
    const per = Math.max(1, Math.round(CONNECTIONS / n));
    for (const path of PATHS) {
      // Warm-up on every replica.
      await Promise.all(fleet.replicas.map((r) => load(r, fleet, path, { connections: per, seconds: 2, voters: 1000 })));
      const cell: Cell = { perSecond: [], p50: [], p99: [], bad: 0, appCpuUs: [], pgCpuUs: [] };
      for (let i = 0; i < RUNS; i++) {
        await Promise.all(fleet.replicas.map((r) => r.ask('reset')));
        const pgBefore = await postgresCpuMs(admin, db.name);
        const results = await Promise.all(fleet.replicas.map((r) => load(r, fleet, path, { connections: per, seconds: SECONDS, voters: 1000 })));
        const pgMs = spent(pgBefore, await postgresCpuMs(admin, db.name));
        const appMs = (await Promise.all(fleet.replicas.map((r) => r.ask('figures')))).reduce((sum, f) => sum + f.figures!.cpuMs, 0);
        const requests = results.reduce((sum, r) => sum + r.requests, 0);
        cell.appCpuUs.push((appMs * 1000) / requests);
        cell.pgCpuUs.push((pgMs * 1000) / requests);
        cell.perSecond.push(results.reduce((s, r) => s + r.perSecond, 0));
        cell.p50.push(median(results.map((r) => r.p50)));
        cell.p99.push(Math.max(...results.map((r) => r.p99)));
        cell.bad += results.reduce((s, r) => s + r.non2xx + r.errors, 0);
        console.log(`  ${n} replica(s), ${path}: ${cell.perSecond.at(-1)!.toFixed(0)}/s, CPU per request app ${cell.appCpuUs.at(-1)!.toFixed(0)} µs + PostgreSQL ${cell.pgCpuUs.at(-1)!.toFixed(0)} µs, p50 ${cell.p50.at(-1)} ms, p99 ${cell.p99.at(-1)} ms (load average ${os.loadavg()[0]!.toFixed(1)})`);
      }
      cells.set(`${n}:${path}`, cell);
    }
  } finally {
    await fleet.close();
    await admin.end();
    await db.drop();
  }
}

const rows: string[][] = [];
for (const path of PATHS) {
  const one = cells.get(`1:${path}`);
  for (const n of REPLICAS) {
    const c = cells.get(`${n}:${path}`)!;
    const growth = one && n !== 1 ? `${(median(c.perSecond) / median(one.perSecond)).toFixed(2)}×` : '—';
    rows.push([n === REPLICAS[0] ? LABEL[path] : '', String(n), spread(c.perSecond), growth, spread(c.p50), spread(c.p99), `${spread(c.appCpuUs)} + ${spread(c.pgCpuUs)}`, String(c.bad)]);
  }
}
const md = [
  `Every replica driven at once, as fast as it answers, ${CONNECTIONS} connections in all split across the replicas, ${SECONDS} s per run, ${RUNS} runs after a warm-up; one PostgreSQL, each replica's pool 10 connections, job runners on (the outbox posting to the Slack emulator). Requests per second are summed over the replicas; p50 is the median of the replicas', p99 the worst.`,
  '',
  table(['path', 'replicas', 'requests/s', 'vs 1 replica', 'p50 ms', 'p99 ms', 'CPU µs per request: app + PostgreSQL', 'not 2xx'], rows),
  '',
  'CPU per request is what each path costs wherever it runs: the app part is spread over the replicas (more machines, more of it), the PostgreSQL part is shared by all of them.',
].join('\n');
emitResult({ bench: 'scale', title: 'One process\'s ceiling per path, and replicas on one PostgreSQL', markdown: md, figures: Object.fromEntries(cells) });

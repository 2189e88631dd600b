// `npm run bench [name…]`: runs every benchmark in bench/ (or the named ones), one process each,
// so one benchmark's heap and event loop do not colour the next one's figures, and writes what
// they report into bench/RESULTS.md with the machine they ran on. A benchmark reports by printing
// one `RESULT {json}` line (see _result.ts); sections of benchmarks not run this time are kept.
//
// PostgreSQL: the benchmarks use TEST_DATABASE_URL (or BENCH_DATABASE_URL); when neither is set and
// a server answers on 127.0.0.1:5432, that one is used, so the PostgreSQL targets are measured.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchResult } from './_result.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = `${dir}RESULTS.md`;
// The order sections appear in RESULTS.md (and benchmarks run in): the targets first.
const ORDER = ['slack-ack', 'api-runs', 'gate-votes', 'event-loop', 'scale', 'commands', 'outbox-lanes', 'scheduler', 'drift'];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passOn = process.argv.slice(2).filter((a) => a.startsWith('--'));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort((a, b) => rank(a) - rank(b));
const chosen = wanted.length ? all.filter((b) => wanted.includes(b)) : all;
if (chosen.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(1);
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

const env = { ...process.env };
const pgVersion = await postgresVersion(env);
const startLoad = os.loadavg();
const started = new Date();
const results: BenchResult[] = [];
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const { status, reported } = await runOne(name);
  if (status !== 0) failed++;
  if (reported.length === 0) console.log(`(${name} reported no RESULT line; RESULTS.md keeps its earlier section, if any)`);
  results.push(...reported);
}
writeResults(results);
console.log(`\nwrote ${RESULTS} (${results.length} section(s) updated)`);
process.exit(failed ? 1 : 0);

/** Runs one benchmark in its own Node process, echoing its output and collecting its RESULT lines. */
function runOne(name: string): Promise<{ status: number; reported: BenchResult[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`, ...passOn], { stdio: ['ignore', 'pipe', 'inherit'], env });
    const reported: BenchResult[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('RESULT ')) {
          try {
            reported.push(JSON.parse(line.slice(7)) as BenchResult);
            console.log(`(${name}: result recorded)`);
          } catch {
            console.log(line);
          }
        } else console.log(line);
      }
    });
    child.on('close', (code) => resolve({ status: code ?? 1, reported }));
  });
}

/** PostgreSQL's version, choosing the server the benchmarks will use (and exporting it to them). */
async function postgresVersion(e: NodeJS.ProcessEnv): Promise<string | undefined> {
  const url = e.BENCH_DATABASE_URL ?? e.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const r = await client.query<{ server_version: string }>('show server_version');
    e.TEST_DATABASE_URL ??= url;
    return r.rows[0]?.server_version;
  } catch {
    console.log('No PostgreSQL answered: the benchmarks run on PGlite only, and the PostgreSQL targets are not measured.');
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

function machineSection(): string {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '## Machine',
    '',
    `- Last run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, benchmarks: ${chosen.join(', ')}`,
    `- CPU: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}; PostgreSQL ${pgVersion ?? 'not available'} on the same machine`,
    `- Load average (1/5/15 min) at the start ${load(startLoad)}, at the end ${load(os.loadavg())}`,
  ].join('\n');
}

/** Replaces the sections of the benchmarks that reported, keeps the others, orders them as ORDER does. */
function writeResults(fresh: BenchResult[]): void {
  const sections = new Map<string, string>();
  if (existsSync(RESULTS)) {
    const text = readFileSync(RESULTS, 'utf8');
    for (const m of text.matchAll(/<!-- bench:([\w-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) sections.set(m[1]!, m[2]!);
  }
  const machine = machineSection();
  const stamp = `_Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average at the start of the run ${startLoad[0]!.toFixed(2)}._`;
  for (const r of fresh) sections.set(r.bench, `## ${r.title}\n\n${r.markdown.trim()}\n\n${stamp}\n`);
  const names = [...sections.keys()].sort((a, b) => rank(a) - rank(b));
  const body = names.map((n) => `<!-- bench:${n} -->\n${sections.get(n)}<!-- /bench:${n} -->`).join('\n\n');
  const header = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand — rerun instead. Each figure is',
    'the median of several runs with the smallest and largest in brackets, and each ratio is',
    'against a baseline measured on the same machine in the same run. How each benchmark works and',
    'what the figures mean: bench/README.md.',
    '',
    machine,
    '',
    'A section not rerun this time keeps the figures of its own run (its date is under it).',
    '',
  ].join('\n');
  writeFileSync(RESULTS, `${header}\n${body}\n`);
}

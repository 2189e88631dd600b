/**
 * The app's event loop under steady load: one replica (its own process, the job runner on, the
 * outbox posting to the Slack emulator) receives API runs, slash commands and gate votes at fixed
 * rates, while a 5 ms probe inside it records the longest stall. Issue #13's target: under 20 ms
 * on PostgreSQL, under 50 ms on PGlite (the sandbox's embedded database, which runs on the app's
 * own thread).
 *
 *   npx tsx bench/event-loop.ts [--runs 3] [--seconds 20] [--api-rate 100] [--command-rate 50] [--vote-rate 20]
 */
import os from 'node:os';
import { createPostgresDatabase } from '../test/helpers/db.js';
import { argOf, emitResult, median, spread, table } from './_result.js';
import { load, startFleet } from './_fleet.js';

const RUNS = argOf('runs', 3);
const SECONDS = argOf('seconds', 20);
const RATES = { 'api-run': argOf('api-rate', 100), command: argOf('command-rate', 50), vote: argOf('vote-rate', 20) } as const;
type Rates = { [P in keyof typeof RATES]: number };
// The sandbox is a person or two clicking through the app on their laptop: a fifth of the load.
const SANDBOX_SHARE = 0.2;
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

interface Row {
  kind: string;
  rates: Rates;
  target: number;
  stalls: number[];
  p99: number[];
  over20: number[];
  served: number[];
  loads: number[];
}

async function measure(kind: 'postgres' | 'pglite'): Promise<Row> {
  const rates: Rates = kind === 'postgres' ? RATES : { 'api-run': RATES['api-run'] * SANDBOX_SHARE, command: RATES.command * SANDBOX_SHARE, vote: RATES.vote * SANDBOX_SHARE };
  const pgDb = kind === 'postgres' ? await createPostgresDatabase(adminUrl!, 'mlops_bench') : undefined;
  const fleet = await startFleet(pgDb?.url ?? 'pglite', 1);
  const app = fleet.replicas[0]!;
  const row: Row = { kind, rates, target: kind === 'postgres' ? 20 : 50, stalls: [], p99: [], over20: [], served: [], loads: [] };
  try {
    // Warm-up: JIT, pools, the first outbox passes.
    await Promise.all((Object.keys(rates) as (keyof Rates)[]).map((p) => load(app, fleet, p, { connections: 2, seconds: 3, rate: rates[p] / 2 })));
    for (let i = 0; i < RUNS; i++) {
      await app.ask('reset');
      const results = await Promise.all((Object.keys(rates) as (keyof Rates)[]).map((p) => load(app, fleet, p, { connections: Math.max(2, Math.ceil(rates[p] / 10)), seconds: SECONDS, rate: rates[p] })));
      const { figures } = await app.ask('figures');
      const bad = results.reduce((s, r) => s + r.non2xx + r.errors, 0);
      if (bad) console.log(`  run ${i + 1}: ${bad} requests not answered 2xx`);
      row.stalls.push(figures!.longestStallMs);
      row.p99.push(figures!.p99DelayMs);
      row.over20.push(figures!.stallsOver20);
      row.served.push(results.reduce((s, r) => s + r.perSecond, 0));
      row.loads.push(os.loadavg()[0]!);
      console.log(`  ${kind} run ${i + 1}: longest stall ${figures!.longestStallMs.toFixed(1)} ms, p99 delay ${figures!.p99DelayMs.toFixed(1)} ms, stalls ≥ 20 ms: ${figures!.stallsOver20}, ${row.served.at(-1)!.toFixed(0)} requests/s`);
    }
  } finally {
    await fleet.close();
    await pgDb?.drop();
  }
  return row;
}

const rows: Row[] = [];
if (adminUrl) rows.push(await measure('postgres'));
else console.log('No TEST_DATABASE_URL: PostgreSQL is not measured.');
rows.push(await measure('pglite'));

const loadText = (r: Rates) => `${r['api-run']} API runs/s + ${r.command} \`/mlops status\`/s + ${r.vote} gate votes/s`;
const md = [
  `One replica in its own process (job runner on, the outbox posting summaries and gate updates to the Slack emulator) under a steady load for ${SECONDS} s, ${RUNS} runs after a warm-up. A 5 ms interval inside the app measures the longest gap beyond its period ("stall"); the p99 is perf_hooks' event-loop delay.`,
  '',
  table(
    ['database', 'steady load', 'longest stall (ms)', 'target', 'met', 'p99 loop delay (ms)', 'stalls ≥ 20 ms per run', 'requests/s served'],
    rows.map((r) => [r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (sandbox)', loadText(r.rates), spread(r.stalls, 1), `< ${r.target} ms`, median(r.stalls) < r.target ? 'yes' : 'no', spread(r.p99, 1), spread(r.over20), spread(r.served)]),
  ),
].join('\n');
emitResult({ bench: 'event-loop', title: 'Event loop under steady load', markdown: md, figures: { rows, rates: RATES, seconds: SECONDS } });

/**
 * Scheduler benchmark: how long one pass of runDueSchedules takes to fire 10,000 schedules that
 * are all due at once, and how much memory the process holds with 10,000 registered schedules.
 * Runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set.
 *
 *   npx tsx bench/scheduler.ts [count]
 */
import { createMetrics } from '../src/app-metrics.js';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../src/db/client.js';
import { schedules, slotClaims } from '../src/db/schema/index.js';
import type { Deps } from '../src/deps.js';
import { dueSlotAndNext } from '../src/domain/schedule/slots.js';
import type { JobRegistry } from '../src/jobs/registry.js';
import { runDueSchedules } from '../src/jobs/scheduler.js';
import { emitResult, table } from './_result.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Tokyo', 'Australia/Sydney'];
const SHARED: [string, string][] = [
  ['0 9 * * 1', 'Europe/Berlin'],
  ['30 8 * * 1-5', 'America/New_York'],
  ['0 */6 * * *', 'UTC'],
  ['*/15 * * * *', 'Asia/Tokyo'],
  ['0 0 1 * *', 'Australia/Sydney'],
];
/** Scenario "distinct": (nearly) every schedule has its own cron and zone, the worst case for slot arithmetic. */
function distinct(i: number): [string, string] {
  return [`${i % 60} ${(i / 60) % 24 | 0} * * ${1 + ((i / 1440) % 5 | 0)}`, ZONES[i % ZONES.length]!];
}
/** Scenario "shared": teams pick among a few common schedules, so one computation serves many. */
function shared(i: number): [string, string] {
  return SHARED[i % SHARED.length]!;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20, external: m.external / 2 ** 20 };
};
const fmt = (n: number) => n.toFixed(1);

async function postgres(): Promise<Database & { drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `mlops_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString());
  return {
    ...db,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: admin });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function bench(kind: string, database: Database, scenario: 'distinct' | 'shared'): Promise<void> {
  const pick = scenario === 'distinct' ? distinct : shared;
  await database.db.delete(slotClaims);
  await database.db.delete(schedules);
  const now = new Date('2026-06-01T12:00:00Z');
  let fired = 0;
  const registry: JobRegistry = { schedules: { bench: async () => void fired++ }, timers: {} };
  const deps = {
    db: database.db,
    clock: { now: () => now },
    config: { minScheduleIntervalSeconds: 60 },
    log: { debug() {}, info() {}, warn: console.warn, error: console.error },
    llm: null,
    slack: { forTeam: () => Promise.reject(new Error('no Slack in the benchmark')) },
    kickOutbox() {},
    metrics: createMetrics(),
  } as unknown as Deps;

  const before = heapMb();
  for (let i = 0; i < COUNT; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, COUNT - i) }, (_, j) => {
      const [cron, timezone] = pick(i + j);
      // Due a little while ago, as after a short outage: the latest-missed-slot walk is exercised too.
      return { teamId: 'T0BENCH', kind: 'bench', ref: String(i + j), cron, timezone, nextRunAt: new Date(now.getTime() - 3_600_000), createdAt: now, updatedAt: now };
    });
    await database.db.insert(schedules).values(rows);
  }
  const registered = heapMb();

  const t0 = performance.now();
  const ran = await runDueSchedules(deps, registry, now, 'bench');
  const elapsed = performance.now() - t0;
  const afterFire = heapMb();

  // The pure slot arithmetic alone, without the per-pass memo: how much of the pass is cron-parser.
  const t1 = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const [cron, tz] = pick(i);
    dueSlotAndNext(cron, tz, now, new Date(now.getTime() - 3_600_001));
  }
  const slotMath = performance.now() - t1;

  results.push([kind, scenario, `${fmt(elapsed)} ms`, `${fmt((elapsed / ran) * 1000)} µs`, `${fmt(slotMath)} ms`, `${fmt(before.heap)} → ${fmt(registered.heap)} → ${fmt(afterFire.heap)} MB`]);
  console.log(`\n${kind}, ${scenario} crons: ${COUNT} schedules`);
  console.log(`  fired ${ran} (handler saw ${fired}) in ${fmt(elapsed)} ms = ${fmt((elapsed / ran) * 1000)} µs per slot, ${fmt(ran / (elapsed / 1000))} slots/s`);
  console.log(`  slot arithmetic alone for ${COUNT} schedules, no memo (cron-parser, DST-safe walk): ${fmt(slotMath)} ms`);
  console.log(`  heap used: ${fmt(before.heap)} MB before registering, ${fmt(registered.heap)} MB with ${COUNT} registered, ${fmt(afterFire.heap)} MB after firing them`);
  console.log(`  rss: ${fmt(before.rss)} -> ${fmt(registered.rss)} -> ${fmt(afterFire.rss)} MB; external (PGlite's WASM memory lives here): ${fmt(before.external)} -> ${fmt(afterFire.external)} MB`);
}

const results: string[][] = [];
const lite = await openPglite();
await lite.migrate();
for (const scenario of ['distinct', 'shared'] as const) await bench('PGlite (in-process)', lite, scenario);
await lite.close();
if (process.env.TEST_DATABASE_URL) {
  const pgdb = await postgres();
  try {
    await pgdb.migrate();
    for (const scenario of ['distinct', 'shared'] as const) await bench('PostgreSQL', pgdb, scenario);
  } finally {
    await pgdb.drop();
  }
}
emitResult({
  bench: 'scheduler',
  title: 'Scheduler: 10,000 due schedules in one pass',
  markdown: [
    `${COUNT.toLocaleString('en-US')} schedules all due an hour ago (as after an outage), fired by one \`runDueSchedules\` pass with a no-op handler; "distinct": almost every schedule its own cron and zone, "shared": five common ones. The slot arithmetic alone (cron-parser, no memo) is the baseline the pass is compared with.`,
    '',
    table(['database', 'crons', 'fire all', 'per slot', 'slot arithmetic alone', 'heap: before → registered → fired'], results),
  ].join('\n'),
});

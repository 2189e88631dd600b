/**
 * Ack latency of gate vote clicks under 100 concurrent voters.
 *
 *   npx tsx bench/gate-votes.ts                                   # embedded PGlite
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/gate-votes.ts    # PostgreSQL (a fresh database, dropped after)
 *
 * The app (Bolt on Express, the real database, the Slack emulator) runs in a child process; this
 * process plays 100 people. First a baseline: each voter clicks once, one after another. Then rounds
 * in which all 100 click at once: the first burst casts ballots, later ones change them (Go ↔
 * Abstain). A sample is the time from sending the signed request to receiving the ack — which the
 * app sends after the ballot's transaction committed (or 1 s into the listener under heavy load).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SlackPeople } from '../src/sandbox/emulator/person.js';
import type { StoredMessage } from '../src/sandbox/emulator/store.js';
import type { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';

const VOTERS = 100;
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const voters = Array.from({ length: VOTERS }, (_, i) => `U0BENCH${String(i).padStart(4, '0')}`);

const worker = fork(fileURLToPath(new URL('./_gate-votes-app.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])], env: { ...process.env, BENCH_GATE: JSON.stringify({ voters, kind }) } });
const next = (type: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
  const onMessage = (m: Record<string, unknown>) => {
    if (m.type !== type) return;
    worker.off('message', onMessage as never);
    resolve(m);
  };
  worker.on('message', onMessage as never);
  worker.once('error', reject);
  worker.once('exit', (code) => code && reject(new Error(`the app process exited with ${code}`)));
});

const ready = (await next('ready')) as { appUrl: string; signingSecret: string; teamId: string; message: StoredMessage };
let seq = 0;
// The person side needs only the workspace's ids and fresh trigger ids / response URLs from the emulator.
const api = { teamId: ready.teamId, teamName: 'Sandbox', newTriggerId: () => `${Date.now()}.${++seq}`, newResponseUrl: () => `${ready.appUrl}/unused` } as unknown as SlackWebApiEmulator;
const people = new SlackPeople(api, ready.appUrl, ready.signingSecret);
let confirmations = 0;

async function click(v: string, label: string): Promise<number> {
  const t0 = performance.now();
  const r = await people.click(v, ready.message, label);
  const dt = performance.now() - t0;
  if (r.status !== 200) throw new Error(`click answered ${r.status}`);
  return dt;
}

async function endOfRound(): Promise<void> {
  confirmations += VOTERS;
  worker.send({ type: 'wait', confirmations });
  await next('waited');
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))]!;
  return `p50 ${p(50).toFixed(1)} ms  p95 ${p(95).toFixed(1)} ms  p99 ${p(99).toFixed(1)} ms  max ${s.at(-1)!.toFixed(1)} ms  (n=${s.length})`;
}

const sequential: number[] = [];
for (const v of voters) sequential.push(await click(v, 'Go'));
await endOfRound();
const burst: number[] = [];
const firstBurst: number[] = [];
const started = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  const times = await Promise.all(voters.map((v) => click(v, round % 2 === 0 ? 'Abstain' : 'Go')));
  burst.push(...times);
  if (round === 0) firstBurst.push(...times);
  await endOfRound();
}
const elapsed = performance.now() - started;
worker.send({ type: 'finish' });
const done = (await next('finished')) as { ballots: number; updates: number; updatesWhileSettling: number };

console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; database: ${kind}`);
console.log(`one click at a time (first casts):        ${stats(sequential)}`);
console.log(`100 concurrent voters, ${ROUNDS} bursts (changes): ${stats(burst)}; ${((burst.length / elapsed) * 1000).toFixed(0)} votes/s`);
console.log(`  first burst only:                      ${stats(firstBurst)}`);
console.log(`ballots stored: ${done.ballots} (expected ${VOTERS}); chat.update calls in all: ${done.updates} (the job runner was not ticking during the bursts)`);
if (done.ballots !== VOTERS) process.exitCode = 1;

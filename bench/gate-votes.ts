/**
 * Ack latency of gate vote clicks under 100 concurrent voters.
 *
 *   npx tsx bench/gate-votes.ts                 # embedded PGlite
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/gate-votes.ts   # PostgreSQL (a fresh database, dropped after)
 *
 * Boots the whole app (Bolt on Express, real database, the Slack emulator), opens a gate with 101
 * eligible voters (one never votes, so the gate stays open), then runs rounds in which 100 people
 * click at once: the first round casts ballots, the next ones change them (Go ↔ Abstain). Each
 * sample is the time from sending the signed request to receiving the ack — which the app sends
 * only after the ballot's transaction committed. Percentiles are over every click of every round.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ballotRows, lastGateMessage, latestGate, makeProject, OWNER, CHANNEL, settle } from '../test/helpers/gates.js';
import { waitFor } from '../test/helpers/clock.js';
import { bootApp } from '../test/helpers/harness.js';

const VOTERS = 100;
const ROUNDS = Number(process.env.ROUNDS ?? 6);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
  const h = await bootApp(kind);
  try {
    const voters = Array.from({ length: VOTERS }, (_, i) => `U0BENCH${String(i).padStart(4, '0')}`);
    await makeProject(h, 'bench-gate');
    const mentions = [...voters, 'U0NEVERVOTES'].map((v) => `<@${v}>`).join(' ');
    const res = await h.people.command(OWNER, CHANNEL, `gate bench-gate --voters ${mentions}`);
    if (!String((res.body as { text?: string }).text).includes('Opened')) throw new Error(`gate not opened: ${JSON.stringify(res.body)}`);
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    const samples: number[] = [];
    const firstRound: number[] = [];
    const confirmations = () => h.slack.store.ephemerals.length;
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const label = round % 2 === 0 ? 'Go' : 'Abstain';
      const before = confirmations();
      const times = await Promise.all(
        voters.map(async (v) => {
          const t0 = performance.now();
          const r = await h.people.click(v, msg, label);
          const dt = performance.now() - t0;
          if (r.status !== 200) throw new Error(`click answered ${r.status}`);
          return dt;
        }),
      );
      samples.push(...times);
      if (round === 0) firstRound.push(...times);
      // Let the round's follow-up work (confirmations, message refresh) finish before the next one.
      await waitFor(() => confirmations() >= before + VOTERS, 'confirmations', 60_000);
    }
    const elapsed = performance.now() - started;
    const updatesBefore = h.slack.store.callsTo('chat.update').length;
    await settle(h, 20);
    const ballots = await ballotRows(h, gate.id);
    const sorted = [...samples].sort((a, b) => a - b);
    const sortedFirst = [...firstRound].sort((a, b) => a - b);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes share the CPUs with the app, the emulator and the clients)`);
    console.log(`database: ${kind}; ${VOTERS} concurrent voters × ${ROUNDS} rounds = ${samples.length} clicks in ${(elapsed / 1000).toFixed(1)} s`);
    console.log(`ack latency, all clicks:   p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1)!)}`);
    console.log(`ack latency, first casts:  p50 ${fmt(percentile(sortedFirst, 50))}  p95 ${fmt(percentile(sortedFirst, 95))}  p99 ${fmt(percentile(sortedFirst, 99))}`);
    console.log(`ballots stored: ${ballots.length} (expected ${VOTERS}); chat.update calls: ${h.slack.store.callsTo('chat.update').length} for ${samples.length} votes (${h.slack.store.callsTo('chat.update').length - updatesBefore} while settling)`);
    if (ballots.length !== VOTERS) process.exitCode = 1;
  } finally {
    await h.close();
  }
}

await main();

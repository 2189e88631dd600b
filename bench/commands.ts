// Slash-command throughput and ack latency: `/mlops status` (one database query, reply in the ack)
// from C concurrent senders through signed HTTP requests, as Slack delivers them.
import { performance } from 'node:perf_hooks';
import { bootApp } from '../test/helpers/harness.js';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const h = await bootApp(kind);
try {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      next++;
      const t = performance.now();
      const res = await h.people.command('U0BENCH', 'C0BENCH', 'status');
      latencies.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    }
  };
  // Warm-up: JIT, connection pool, Bolt's auth.test cache.
  for (let i = 0; i < 50; i++) await h.people.command('U0BENCH', 'C0BENCH', 'status');
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`database: ${kind}; ${latencies.length} commands, ${CONCURRENCY} concurrent`);
  console.log(`throughput: ${(latencies.length / seconds).toFixed(0)} commands/s`);
  console.log(`ack latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`);
} finally {
  await h.close();
}

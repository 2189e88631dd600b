// The outbox's claim with thousands of rows queued in one lane (a CI burst of run summaries into
// one day's thread): each claim takes that lane's first row only, so its cost must not grow with
// what waits behind it. Prints the claim time at 1,000, 5,000 and 20,000 rows, five claims each.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { claimDueOutbox, enqueue } from '../src/db/repositories/outbox.js';
import { freshDatabase } from '../test/helpers/db.js';
import { emitResult, median, spread, table } from './_result.js';

const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const db = await freshDatabase(kind);
const rows: { n: number; times: number[] }[] = [];
const now = new Date();
const root = await enqueue(db.db, { teamId: 'T', method: 'chat.postMessage', channelId: 'C', payload: { text: 'root' }, now });
await db.db.execute(sql`update outbox set status = 'sent', ts = '1.1' where id = ${root.id}`);
for (const n of [1000, 5000, 20000]) {
  await db.db.execute(sql`insert into outbox (team_id, method, channel_id, payload, parent_id, lane, status, next_attempt_at, created_at)
    select 'T', 'chat.postMessage', 'C', '{"text":"x"}'::jsonb, ${root.id}, ${'thread:' + root.id}, 'pending', now(), now() from generate_series(1, ${n})`);
  await db.db.execute(sql`analyze outbox`);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const rows = await claimDueOutbox(db.db, new Date(Date.now() + 1000), 60_000, 50);
    times.push(performance.now() - t);
    await db.db.execute(sql`update outbox set status = 'sent', ts = '2.' || id where id in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)})`);
  }
  console.log(n, 'pending in one lane: claim ms', times.map((x) => x.toFixed(1)).join(' '));
  rows.push({ n, times });
  await db.db.execute(sql`update outbox set status = 'sent' where status = 'pending'`);
}
await db.close();
const first = median(rows[0]!.times);
emitResult({
  bench: 'outbox-lanes',
  title: 'Outbox claims with a long lane',
  markdown: [
    `One claim of the outbox (50 rows) with 1,000, 5,000 and 20,000 replies waiting in one thread (one lane), five claims each, on ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}. The claim must not grow with what waits behind a lane's first row.`,
    '',
    table(['rows waiting in one lane', 'claim (ms)', 'vs 1,000 rows'], rows.map((r) => [r.n.toLocaleString('en-US'), spread(r.times, 1), `${(median(r.times) / first).toFixed(2)}×`])),
  ].join('\n'),
  figures: { kind, rows },
});

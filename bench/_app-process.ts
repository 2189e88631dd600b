/**
 * One replica of the app for bench/event-loop.ts and bench/scale.ts, in its own process as in
 * production: the real app (Express, Bolt, the job runner on a real clock) against the database and
 * Slack emulator the parent names. The first replica also sets up what the load needs (a project
 * with targets, an API token, a gate with many voters). Inside, a probe measures the process's
 * own event loop; the parent asks for figures over IPC.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres, rowsOf } from '../src/db/client.js';
import { insertApiToken } from '../src/db/repositories/api-tokens.js';
import { newToken } from '../src/domain/experiments/api-token.js';
import { createLogger } from '../src/logger.js';
import { projectWithTargets } from '../test/helpers/runs.js';
import { signedCommand } from './_slack-requests.js';
import { type AppProcessOptions, BENCH_CHANNEL, BENCH_OWNER, BENCH_PROJECT, type ProbeFigures, type Setup, voterId } from './_fixture.js';

const opts = JSON.parse(process.env.BENCH_APP ?? '{}') as AppProcessOptions;
const config: Config = {
  slack: { kind: 'single', botToken: opts.botToken, signingSecret: opts.signingSecret },
  slackApiUrl: opts.slackApiUrl,
  dataDir: './data-bench-unused',
  port: 0,
  minScheduleIntervalSeconds: 1,
  logLevel: 'error',
};
const database = opts.database === 'pglite' ? await openPglite() : openPostgres(opts.database, opts.poolSize);
const app = await startApp({ config, database, llm: null, log: createLogger({ level: 'error' }), apiRateLimits: false });

let setup: Setup | undefined;
if (opts.setup) {
  const now = new Date();
  const project = await projectWithTargets(database.db, {
    teamId: opts.teamId,
    slug: BENCH_PROJECT,
    channelId: BENCH_CHANNEL,
    ownerId: BENCH_OWNER,
    now,
    phase: 'development',
    targets: [
      { name: 'auc', direction: 'maximize', target: 0.95 },
      { name: 'latency_ms', direction: 'minimize', target: 50 },
    ],
  });
  const t = newToken();
  await insertApiToken(database.db, { teamId: opts.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: BENCH_OWNER, now });
  const mentions = Array.from({ length: opts.voters }, (_, i) => `<@${voterId(i)}>`).join(' ');
  const req = signedCommand(opts.signingSecret, { teamId: opts.teamId, user: BENCH_OWNER, channel: BENCH_CHANNEL, text: `gate ${BENCH_PROJECT} --voters ${mentions}`, triggerId: 'setup-gate' });
  const res = await fetch(`${app.url}/slack/events`, { method: 'POST', headers: req.headers, body: req.body });
  const answer = (await res.json()) as { text?: string };
  if (!String(answer.text).includes('Opened')) throw new Error(`gate not opened: ${JSON.stringify(answer)}`);
  const [gate] = rowsOf<{ id: number }>(await database.db.execute(sql`select max(id) as id from gates`));
  setup = { token: t.token, gateId: Number(gate!.id) };
}

// The probe: a 5 ms interval; any gap beyond 5 ms is time the loop could not run it.
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
let last = performance.now();
let longest = 0;
let over20 = 0;
setInterval(() => {
  const t = performance.now();
  const stall = t - last - 5;
  if (stall > longest) longest = stall;
  if (stall >= 20) over20++;
  last = t;
}, 5).unref();
let cpuAt = process.cpuUsage();
let wallAt = performance.now();

const reset = () => {
  histogram.reset();
  longest = 0;
  over20 = 0;
  last = performance.now();
  cpuAt = process.cpuUsage();
  wallAt = performance.now();
};
const figures = (): ProbeFigures => {
  const cpu = process.cpuUsage(cpuAt);
  return {
    longestStallMs: Math.max(0, longest),
    p99DelayMs: histogram.percentile(99) / 1e6,
    stallsOver20: over20,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wallAt,
  };
};

process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    reset();
    process.send!({ type: 'reset-done' });
  } else if (m.type === 'figures') {
    process.send!({ type: 'figures', figures: figures() });
  } else if (m.type === 'stop') {
    void app.stop().then(async () => {
      await database.close();
      process.send!({ type: 'stopped' }, () => process.exit(0));
    });
  }
});
process.send!({ type: 'ready', url: app.url, setup });

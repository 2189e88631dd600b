/**
 * What acknowledging a Slack request costs this app, against a bare Bolt 4 app on the same machine
 * in the same run (issue #13, target 1: CPU per request and ack p50 ≤ 1.15× bare Bolt).
 *
 *   npx tsx bench/slack-ack.ts [--runs N] [--seconds S] [--connections 50,100,200] [--kinds command,action,view,status]
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/slack-ack.ts   # the app on PostgreSQL (else PGlite)
 *   npx tsx bench/slack-ack.ts --trigger none   # requests without a trigger id: no replay-check write
 *
 * Each app runs in its own child process (bench/_slack-ack-app.ts, bench/_bare-bolt-app.ts); this
 * process drives them with autocannon, alternating app and bare runs. Every request is signed with
 * the current timestamp and carries its own trigger id, as Slack's do (this app drops a repeated
 * trigger id without running its listener). The kinds:
 * - command: `/mlops help` (answered in the ack from memory) vs the bare app's no-op `/noop`;
 * - action: a "viability.comment" click whose value names no check-in (the listener acks, then
 *   stops) vs the bare app's `app.action('noop')`;
 * - view: a "viability.comment_view" submission with no answer chosen (answered with the modal's
 *   error, no database work) vs the bare app's `app.view('noop')`;
 * - status (opt-in): `/mlops status` (one database query) vs `/noop`.
 * CPU per request is the child's process.cpuUsage() over a run divided by the requests answered;
 * latency is autocannon's (the time to the ack).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { slackSignature } from '../src/slack/signing.js';
import { emitResult, median, table } from './_result.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(arg('runs', '3'));
const SECONDS = Number(arg('seconds', '5'));
const CONNECTIONS = arg('connections', '50,100,200').split(',').map(Number);
const KINDS = arg('kinds', 'command,action,view').split(',') as Kind[];
/** unique: every request has its own trigger id, as Slack sends them; none: no trigger id, so the
 * app's replay check (one database write per interaction) is skipped and only the ack path is measured. */
const TRIGGER = arg('trigger', 'unique') as 'unique' | 'none';
type Kind = 'command' | 'action' | 'view' | 'status';
type Side = 'app' | 'bare';

interface Child {
  proc: ChildProcess;
  url: string;
  teamId: string;
  secret: string;
}

async function spawn(file: string, secret?: string): Promise<Child> {
  const profile = process.env.BENCH_PROFILE === file ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
  const proc = fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, BENCH_SIGNING_SECRET: secret ?? '' } });
  const ready = await new Promise<{ url: string; teamId: string; signingSecret?: string }>((resolve, reject) => {
    proc.once('message', resolve as never);
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { proc, url: ready.url, teamId: ready.teamId, secret: ready.signingSecret ?? secret! };
}

function cpuMicros(c: Child): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: { type: string; usage: NodeJS.CpuUsage }) => {
      if (m.type !== 'cpu') return;
      c.proc.off('message', on as never);
      resolve(m.usage.user + m.usage.system);
    };
    c.proc.on('message', on as never);
    c.proc.send({ type: 'cpu' });
  });
}

/** The body of one request of `kind`, as Slack sends it, with `trigger` as its trigger id. */
function bodyTemplate(kind: Kind, side: Side, teamId: string): { contentType: string; body: (trigger: string) => string } {
  const form = 'application/x-www-form-urlencoded';
  const user = 'U0BENCH';
  const channel = 'C0BENCH';
  if (kind === 'command' || kind === 'status') {
    const fields = (trigger: string) => new URLSearchParams({
      token: 'legacy-verification-token', team_id: teamId, team_domain: 'sandbox', channel_id: channel, channel_name: 'bench', user_id: user, user_name: 'bench',
      command: side === 'bare' ? '/noop' : '/mlops', text: kind === 'status' ? 'status' : 'help', api_app_id: 'A0MLOPS', is_enterprise_install: 'false',
      response_url: `https://hooks.slack.test/commands/T/${trigger}`, ...(TRIGGER === 'none' ? {} : { trigger_id: trigger }),
    }).toString();
    return { contentType: form, body: fields };
  }
  const common = {
    team: { id: teamId, domain: 'sandbox' },
    user: { id: user, username: 'bench', name: 'bench', team_id: teamId },
    api_app_id: 'A0MLOPS',
    token: 'legacy-verification-token',
    ...(TRIGGER === 'none' ? {} : { trigger_id: '__TRIGGER__' }),
  };
  let payload: Record<string, unknown>;
  if (kind === 'action') {
    payload = {
      type: 'block_actions', ...common,
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: channel, is_ephemeral: false },
      channel: { id: channel, name: 'bench' },
      message: { type: 'message', ts: '1700000000.000100', text: 'Check-in', blocks: [{ type: 'actions', block_id: 'viability_actions', elements: [{ type: 'button', action_id: 'viability.comment', text: { type: 'plain_text', text: 'Add comment' }, value: 'x' }] }] },
      state: { values: {} },
      response_url: 'https://hooks.slack.test/actions/T/1/__TRIGGER__',
      actions: [{ type: 'button', action_id: side === 'bare' ? 'noop' : 'viability.comment', block_id: 'viability_actions', text: { type: 'plain_text', text: 'Add comment' }, value: 'x', action_ts: '1700000000.000200' }],
    };
  } else {
    payload = {
      type: 'view_submission', ...common,
      view: {
        id: 'V0BENCH', type: 'modal', callback_id: side === 'bare' ? 'noop' : 'viability.comment_view', private_metadata: '{"checkinId":1}', hash: 'abcd1234',
        title: { type: 'plain_text', text: 'Check-in' },
        blocks: [
          { type: 'input', block_id: 'viability_answer', label: { type: 'plain_text', text: 'Answer' }, element: { type: 'radio_buttons', action_id: 'viability_answer', options: [{ text: { type: 'plain_text', text: 'On track' }, value: 'on_track' }] } },
          { type: 'input', block_id: 'viability_comment', optional: true, label: { type: 'plain_text', text: 'Comment' }, element: { type: 'plain_text_input', action_id: 'viability_comment' } },
        ],
        state: { values: { viability_answer: { viability_answer: { type: 'radio_buttons', selected_option: null } }, viability_comment: { viability_comment: { type: 'plain_text_input', value: null } } } },
      },
    };
  }
  const encoded = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const [before, ...rest] = encoded.split('__TRIGGER__');
  return { contentType: form, body: (trigger) => [before, ...rest].join(trigger) };
}

interface Sample {
  cpuPerRequestUs: number;
  p50: number;
  p99: number;
  requests: number;
  rps: number;
}

let seq = 0;
async function measure(c: Child, kind: Kind, side: Side, connections: number, seconds: number): Promise<Sample> {
  const { contentType, body } = bodyTemplate(kind, side, c.teamId);
  const setupRequest = (req: autocannon.Request): autocannon.Request => {
    const trigger = `${Date.now()}.${++seq}.bench`;
    const raw = body(trigger);
    const ts = Math.floor(Date.now() / 1000);
    return { ...req, method: 'POST', path: '/slack/events', body: raw, headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(c.secret, ts, raw) } };
  };
  const before = await cpuMicros(c);
  const r = await autocannon({ url: c.url, connections, duration: seconds, timeout: 10, requests: [{ setupRequest }] });
  const after = await cpuMicros(c);
  const answered = r['2xx'] + r.non2xx;
  if (r.non2xx || r.errors || r.timeouts) console.warn(`  ${side} ${kind} @${connections}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts of ${answered}`);
  return { cpuPerRequestUs: (after - before) / Math.max(1, answered), p50: r.latency.p50, p99: r.latency.p99, requests: answered, rps: answered / r.duration };
}

const summary = (xs: number[]) => ({ median: +median(xs).toFixed(3), min: +Math.min(...xs).toFixed(3), max: +Math.max(...xs).toFixed(3) });
const fmt = (s: { median: number; min: number; max: number }, d = 2) => `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;

const app = await spawn('./_slack-ack-app.ts');
const bare = await spawn('./_bare-bolt-app.ts', app.secret);
const children: Record<Side, Child> = { app, bare };
const load: number[] = [loadavg()[0]!];
const results: Record<string, unknown>[] = [];
try {
  for (const kind of KINDS) {
    // Warm-up: JIT, the database pool, Bolt's auth.test.
    for (const side of ['app', 'bare'] as const) await measure(children[side], kind, side, 50, 2);
    for (const connections of CONNECTIONS) {
      const runs: Record<Side, Sample>[] = [];
      for (let i = 0; i < RUNS; i++) {
        const order: Side[] = i % 2 === 0 ? ['app', 'bare'] : ['bare', 'app'];
        const got = {} as Record<Side, Sample>;
        for (const side of order) got[side] = await measure(children[side], kind, side, connections, SECONDS);
        runs.push(got);
        load.push(loadavg()[0]!);
      }
      const row = {
        kind,
        connections,
        cpuUs: { app: summary(runs.map((r) => r.app.cpuPerRequestUs)), bare: summary(runs.map((r) => r.bare.cpuPerRequestUs)) },
        cpuRatio: summary(runs.map((r) => r.app.cpuPerRequestUs / r.bare.cpuPerRequestUs)),
        p50Ms: { app: summary(runs.map((r) => r.app.p50)), bare: summary(runs.map((r) => r.bare.p50)) },
        p50Ratio: summary(runs.map((r) => r.app.p50 / r.bare.p50)),
        p99Ms: { app: summary(runs.map((r) => r.app.p99)), bare: summary(runs.map((r) => r.bare.p99)) },
        rps: { app: summary(runs.map((r) => r.app.rps)), bare: summary(runs.map((r) => r.bare.rps)) },
      };
      results.push(row);
      console.log(
        `${kind.padEnd(7)} c=${String(connections).padEnd(3)}  CPU µs/req app ${fmt(row.cpuUs.app, 0)} bare ${fmt(row.cpuUs.bare, 0)} ratio ${fmt(row.cpuRatio)}` +
          `  |  p50 ms app ${fmt(row.p50Ms.app, 1)} bare ${fmt(row.p50Ms.bare, 1)} ratio ${fmt(row.p50Ratio)}  |  p99 ms app ${row.p99Ms.app.median} bare ${row.p99Ms.bare.median}`,
      );
    }
  }
} finally {
  for (const c of [app, bare]) {
    c.proc.send({ type: 'stop' });
    await new Promise((r) => c.proc.once('exit', r));
  }
}
console.log(`load average (1 min) during the runs: ${fmt(summary(load))}; database: ${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'}; trigger ids: ${TRIGGER}; runs: ${RUNS} × ${SECONDS} s`);
type Row = { kind: Kind; connections: number; cpuUs: Record<Side, ReturnType<typeof summary>>; cpuRatio: ReturnType<typeof summary>; p50Ms: Record<Side, ReturnType<typeof summary>>; p50Ratio: ReturnType<typeof summary>; p99Ms: Record<Side, ReturnType<typeof summary>> };
const KIND_LABEL: Record<string, string> = { command: 'slash command `/mlops help` (bare: a no-op command)', action: 'block action (bare: a no-op action)', view: 'view submission (bare: a no-op view)', status: '`/mlops status` (one query; bare: a no-op command)' };
const met = (r: ReturnType<typeof summary>) => (r.median <= 1.15 ? 'yes' : 'no');
const md = [
  `This app and a bare Bolt 4 app (\`bench/_bare-bolt-app.ts\`: \`new App()\` with its own HTTP receiver and one no-op listener), each in its own process on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, driven in turn by autocannon with signed requests (each its own trigger id, as Slack sends them${TRIGGER === 'none' ? ' — here without one' : ''}), ${RUNS} alternated runs of ${SECONDS} s per cell. CPU per request: the server process's user + system time over the run / requests answered. Target: app / bare ≤ 1.15 for both.`,
  '',
  table(
    ['request', 'connections', 'CPU µs/request: app / bare', 'CPU ratio', 'ack p50 ms: app / bare', 'p50 ratio', 'p99 ms: app / bare', 'met'],
    (results as Row[]).map((r) => [
      KIND_LABEL[r.kind] ?? r.kind,
      String(r.connections),
      `${r.cpuUs.app.median.toFixed(0)} / ${r.cpuUs.bare.median.toFixed(0)}`,
      fmt(r.cpuRatio),
      `${r.p50Ms.app.median} / ${r.p50Ms.bare.median}`,
      fmt(r.p50Ratio),
      `${r.p99Ms.app.median} / ${r.p99Ms.bare.median}`,
      `${met(r.cpuRatio)} / ${met(r.p50Ratio)}`,
    ]),
  ),
].join('\n');
emitResult({ bench: 'slack-ack', title: 'Slack ack against a bare Bolt app', markdown: md, figures: { runs: RUNS, seconds: SECONDS, trigger: TRIGGER, loadavg: summary(load), results } });

// Starting app replicas (bench/_app-process.ts) as child processes on one database and one Slack
// emulator, and driving them with autocannon — shared by bench/event-loop.ts and bench/scale.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';
import { type AppProcessOptions, BENCH_CHANNEL, type ProbeFigures, type Setup, voterId } from './_fixture.js';
import { freshTriggerId, signedCommand, signedVoteClick } from './_slack-requests.js';

export const SIGNING_SECRET = 'bench-signing-secret';

export interface Replica {
  url: string;
  child: ChildProcess;
  ask(type: 'reset' | 'figures' | 'stop'): Promise<{ figures?: ProbeFigures }>;
}

export interface Fleet {
  replicas: Replica[];
  setup: Setup;
  teamId: string;
  close(): Promise<void>;
}

/** Starts `count` replicas on `database` ('pglite' allows only one), the first one setting up. */
export async function startFleet(database: string, count: number, o: { voters?: number; poolSize?: number } = {}): Promise<Fleet> {
  const slack = await new SlackWebApiEmulator().start();
  const replicas: Replica[] = [];
  let setup: Setup | undefined;
  for (let i = 0; i < count; i++) {
    const opts: AppProcessOptions = { database, slackApiUrl: slack.apiUrl, botToken: slack.botToken, signingSecret: SIGNING_SECRET, teamId: slack.teamId, setup: i === 0, voters: o.voters ?? 101, poolSize: o.poolSize ?? 10 };
    const r = await startReplica(opts);
    setup ??= r.setup;
    replicas.push(r.replica);
  }
  return {
    replicas,
    setup: setup!,
    teamId: slack.teamId,
    async close() {
      await Promise.all(replicas.map((r) => r.ask('stop').catch(() => r.child.kill())));
      await slack.close();
    },
  };
}

function startReplica(opts: AppProcessOptions): Promise<{ replica: Replica; setup?: Setup }> {
  const child = fork(fileURLToPath(new URL('./_app-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_APP: JSON.stringify(opts) } });
  const waiting: ((m: { type: string; figures?: ProbeFigures }) => void)[] = [];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`replica exited with ${code}`)));
    child.on('message', (m: { type: string; url?: string; setup?: Setup; figures?: ProbeFigures }) => {
      if (m.type === 'ready') {
        const replica: Replica = {
          url: m.url!,
          child,
          ask: (type) =>
            new Promise((res) => {
              waiting.push(res);
              child.send({ type });
            }),
        };
        resolve({ replica, setup: m.setup });
      } else waiting.shift()?.(m);
    });
  });
}

export type Path = 'command' | 'api-run' | 'vote';

let loads = 0;

export interface LoadFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives one replica on one path with autocannon. `rate` caps requests per second (steady load);
 * without it, connections send as fast as answers come back (the ceiling).
 */
export async function load(replica: Replica, fleet: Fleet, path: Path, o: { connections: number; seconds: number; rate?: number; voters?: number }): Promise<LoadFigures> {
  const { teamId, setup } = fleet;
  let n = 0;
  // Several loads run at once (one per replica): each its own keys, or they would collide as 409s.
  const tag = `${process.pid}-${++loads}`;
  const voters = o.voters ?? 100;
  const request = (): { path: string; method: 'POST'; headers: Record<string, string>; body: string } => {
    n++;
    if (path === 'command') {
      const r = signedCommand(SIGNING_SECRET, { teamId, user: 'U0BENCHOWNER', channel: BENCH_CHANNEL, text: 'status bench', triggerId: freshTriggerId() });
      return { path: '/slack/events', method: 'POST', ...r };
    }
    if (path === 'vote') {
      // Voter 0 never votes (the gate stays open); each voter goes Go, Abstain, Go, …
      const v = 1 + (n % voters);
      const r = signedVoteClick(SIGNING_SECRET, { teamId, user: voterId(v), channel: BENCH_CHANNEL, gateId: setup.gateId, vote: Math.floor(n / voters) % 2 ? 'abstain' : 'go', triggerId: freshTriggerId() });
      return { path: '/slack/events', method: 'POST', ...r };
    }
    const body = JSON.stringify({
      name: `run-${tag}-${n}`,
      metrics: { auc: 0.8 + Math.random() * 0.15, latency_ms: 40 + Math.random() * 60, f1: Math.random() },
      params: { lr: String(10 ** -(1 + (n % 4))), depth: String(4 + (n % 8)) },
      commit: 'abcdef1234',
    });
    return { path: '/api/v1/projects/bench/runs', method: 'POST', headers: { authorization: `Bearer ${setup.token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${tag}-${n}` }, body };
  };
  const result = await autocannon({
    url: replica.url,
    connections: o.connections,
    duration: o.seconds,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [{ setupRequest: (req: object) => ({ ...req, ...request() }) }],
  } as autocannon.Options);
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / o.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

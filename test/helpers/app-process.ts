import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { slashCommandForm } from '../../src/sandbox/emulator/person.js';
import type { SlackWebApiEmulator } from '../../src/sandbox/emulator/web-api.js';
import { slackSignature } from '../../src/slack/signing.js';
import { waitFor } from './clock.js';

/** The compiled app run as `npm start` runs it (`node dist/main.js`), for tests of real processes. */
export const ROOT = new URL('../..', import.meta.url).pathname;

export function buildDist(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface Answer {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
  /** A network error instead of an answer (ECONNREFUSED: the app no longer listened; ECONNRESET: cut). */
  error?: string;
  reusedSocket?: boolean;
}

/** One HTTP POST; a fresh connection unless an agent is given. */
export function request(url: string, headers: Record<string, string>, body: string, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text, reusedSocket: req.reusedSocket }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

/** Headers signed as Slack signs them (v0, now). */
export function slackHeaders(secret: string, body: string, contentType: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(secret, ts, body) };
}

/** A signed `/mlops <text>` from `user` in `channel`. */
export function slashCommand(
  appUrl: string,
  emulator: SlackWebApiEmulator,
  c: { secret: string; channel: string; user: string; text: string; triggerId: string },
  agent?: http.Agent,
): Promise<Answer> {
  const body = slashCommandForm({ teamId: emulator.teamId, teamDomain: 'test', channel: c.channel, user: c.user, text: c.text, responseUrl: emulator.newResponseUrl(c.channel, c.user), triggerId: c.triggerId });
  return request(`${appUrl}/slack/events`, slackHeaders(c.secret, body, 'application/x-www-form-urlencoded'), body, agent);
}

/** POST /api/v1/projects/<slug>/runs with a bearer token. */
export function postRun(appUrl: string, token: string, slug: string, name: string, auc = 0.8): Promise<Answer> {
  const body = JSON.stringify({ name, metrics: { auc } });
  return request(`${appUrl}/api/v1/projects/${slug}/runs`, { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body);
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/main.js` with `env` over a clean environment (no Slack, OpenAI or database
 * variables from the caller's), and waits until /readyz answers 200.
 */
export async function spawnApp(env: Record<string, string>, opts: { port?: number } = {}): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK_|OPENAI_|DATABASE_URL|PORT|DATA_DIR|TOKEN_ENCRYPTION_KEY|SHUTDOWN_|MIN_SCHEDULE)/.test(k)));
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...clean, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200, `the app on port ${port} ready`, 30_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${out}`);
  });
  return { child, url, port, output: () => out, exited };
}

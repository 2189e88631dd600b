import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/client.js';
import { createProject, findProject } from '../src/db/repositories/projects.js';
import { freshDatabase } from './helpers/db.js';

// `npm start` as a user runs it: a child process with only the environment we give it.
const ROOT = new URL('..', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The test runner's environment without the app's variables. */
function cleanEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK_|OPENAI_|DATABASE_URL|PORT|DATA_DIR|MIN_SCHEDULE|TOKEN_ENCRYPTION_KEY)/.test(k)));
}

/** Every process below `pid` (from /proc), to check that none outlives a stop. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which is in parentheses and may hold spaces): state, ppid, …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); // a zombie has exited
  } catch {
    return false;
  }
};

function start(env: Record<string, string>, opts: { umask?: string } = {}): Started {
  const base = cleanEnv();
  // The compiled app, as `npm start` runs it (`exec node dist/main.js`), built from the current
  // sources once for this file (beforeAll): start-up is then what a user waits for, with no
  // TypeScript compiled at run time. The npm wrapper itself has its own test below.
  const argv = [process.execPath, 'dist/main.js'];
  // With a umask, through a shell that sets it and then becomes node (exec), so signals still reach the app.
  const [cmd, ...args] = opts.umask ? ['/bin/sh', '-c', `umask ${opts.umask} && exec "$@"`, 'sh', ...argv] : argv;
  const child = spawn(cmd!, args, { cwd: ROOT, env: { ...base, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  children.push(child);
  return { child, output: () => out, exited };
}

async function waitForLine(s: Started, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const m = s.output().match(pattern);
    if (m) return m;
    if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms; output:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
// A test that fails or times out must not leave its app running (and holding a port and a CPU).
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
// `npm ci` builds dist/ (prepare); build again so these tests run the sources as they are now.
beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
}, 180_000);

describe('npm start', () => {
  it('with no Slack variables runs in sandbox mode, serves /healthz within 10 s, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mlops-data-'));
    dirs.push(dataDir);
    // Data written before the app runs must still be there after it has started and stopped twice.
    const seed = await openPglite(dataDir);
    await seed.migrate();
    await createProject(seed.db, { teamId: 'T0SANDBOX', slug: 'churn-model', channelId: 'C1', ownerId: 'U1', now: new Date() });
    await seed.close();

    for (let round = 0; round < 2; round++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const t0 = Date.now();
      const app = start({ PORT: String(port), DATA_DIR: dataDir });
      while ((await fetch(`${url}/healthz`).catch(() => null))?.status !== 200) {
        if (Date.now() - t0 > 10_000) throw new Error(`no /healthz within 10 s:\n${app.output()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      await waitForLine(app, /sandbox mode/, 20_000);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    }

    const after = await openPglite(dataDir);
    expect(await findProject(after.db, 'T0SANDBOX', 'churn-model')).toMatchObject({ slug: 'churn-model', phase: 'design' });
    await after.close();
  }, 90_000);

  it('stops cleanly when asked to while still starting (the embedded database is being created)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mlops-data-'));
    dirs.push(dataDir);
    const port = await freePort();
    const app = start({ PORT: String(port), DATA_DIR: dataDir });
    const t0 = Date.now();
    while ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status !== 200) {
      if (Date.now() - t0 > 20_000) throw new Error(`no /healthz:\n${app.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('keeps the embedded database private: DATA_DIR 0700 and every file in it 0600, under umask 022', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mlops-data-'));
    dirs.push(parent);
    const dataDir = join(parent, 'data');
    const port = await freePort();
    const app = start({ PORT: String(port), DATA_DIR: dataDir }, { umask: '022' });
    await waitForLine(app, /database:/, 30_000);
    // The first start creates the cluster and migrates it; then a clean stop.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);

    const loose: string[] = [];
    const visit = (path: string) => {
      const st = statSync(path);
      if (st.mode & 0o077) loose.push(`${(st.mode & 0o777).toString(8)} ${path}`);
      if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    };
    visit(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dataDir).length).toBeGreaterThan(5);
    expect(loose).toEqual([]);
  }, 60_000);

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ SLACK_BOT_TOKEN: 'xoxb-123' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: 'id', SLACK_CLIENT_SECRET: 'cs', SLACK_STATE_SECRET: 'st' }, 'TOKEN_ENCRYPTION_KEY'],
  ])('with %o exits non-zero with one line naming %s', async (env, name) => {
    const app = start(env);
    const code = await app.exited;
    expect(code).not.toBe(0);
    const lines = app.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  }, 60_000);

  it('serves the compiled app (dist/, built by npm ci), and SIGTERM to npm stops it: port freed, no process left behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mlops-data-'));
    dirs.push(dataDir);
    const port = await freePort();
    // `npm start` itself, as in the README and in a container whose stop signal goes to npm.
    const npm = spawn('npm', ['start'], { cwd: ROOT, env: { ...cleanEnv(), PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(npm);
    let out = '';
    npm.stdout!.on('data', (d) => (out += d));
    npm.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    let tree: number[] = [];
    try {
      const t0 = Date.now();
      while ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status !== 200) {
        if (Date.now() - t0 > 150_000 || npm.exitCode !== null) throw new Error(`npm start served no /healthz:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      tree = descendants(npm.pid!);
      expect(tree.map(commandLine).join('\n')).toContain('dist/main.js');

      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      // npm waits for the app: once npm is gone, so is every process it started, and the port is free.
      expect(tree.filter(alive)).toEqual([]);
      const srv = createServer();
      await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(port, '0.0.0.0', resolve));
      await new Promise((r) => srv.close(r));
    } finally {
      for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 200_000);

  it.runIf(process.env.TEST_DATABASE_URL)('with DATABASE_URL runs on PostgreSQL', async () => {
    const database = await freshDatabase('postgres');
    try {
      const app = start({ PORT: '0', DATABASE_URL: database.url! });
      const [, url] = await waitForLine(app, /app:\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
      expect(app.output()).toContain('PostgreSQL');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await database.close();
    }
  }, 60_000);
});

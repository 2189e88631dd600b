import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../src/db/client.js';
import { insertApiToken } from '../../src/db/repositories/api-tokens.js';
import { createProject } from '../../src/db/repositories/projects.js';
import { outbox, runs } from '../../src/db/schema/index.js';
import { newToken } from '../../src/domain/experiments/api-token.js';
import { SlackWebApiEmulator } from '../../src/sandbox/emulator/web-api.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds, freshDatabase } from '../helpers/db.js';
import { SlowSlack } from '../helpers/slow-slack.js';
import { type Answer, buildDist, postRun as postApiRun, request, slackHeaders, slashCommand as sendCommand, spawnApp } from '../helpers/app-process.js';

// The compiled app as `npm start` runs it, stopped with SIGTERM while Slack and API traffic is arriving.
const SECRET = 'shutdown-test-signing-secret';
const CHANNEL = 'C0LOAD';
const OWNER = 'U0OWNER';
const SHUTDOWN_TIMEOUT_SECONDS = 10;

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of cleanups.splice(0).reverse()) await f();
});
beforeAll(() => buildDist(), 180_000);

function slashCommand(appUrl: string, emulator: SlackWebApiEmulator, text: string, triggerId: string, agent?: http.Agent): Promise<Answer> {
  return sendCommand(appUrl, emulator, { secret: SECRET, channel: CHANNEL, user: OWNER, text, triggerId }, agent);
}

function openHome(appUrl: string, emulator: SlackWebApiEmulator, user: string, agent?: http.Agent): Promise<Answer> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: emulator.teamId,
    api_app_id: 'A0MLOPS',
    type: 'event_callback',
    event_id: `Ev${user}${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` },
    authorizations: [{ team_id: emulator.teamId, user_id: emulator.botUserId, is_bot: true, is_enterprise_install: false }],
  });
  return request(`${appUrl}/slack/events`, slackHeaders(SECRET, body, 'application/json'), body, agent);
}

const postRun = (appUrl: string, token: string, name: string) => postApiRun(appUrl, token, 'load', name);

describe.each(databaseKinds())('SIGTERM under load (%s)', (kind) => {
  it('answers what it accepted, refuses the rest with 503 or no connection, finishes the outbox send in flight, and exits 0 in time', async () => {
    const emulator = await new SlackWebApiEmulator().start();
    cleanups.push(() => emulator.close());
    const slow = await new SlowSlack().start();
    slow.target = emulator.apiUrl;
    cleanups.push(() => slow.close());

    // The database, seeded with a project and an API token before the app starts.
    let dbEnv: Record<string, string>;
    let reopen: () => Promise<Database>;
    let seedDb: Database;
    if (kind === 'pglite') {
      const dataDir = mkdtempSync(join(tmpdir(), 'mlops-shutdown-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      seedDb = await openPglite(dataDir);
      dbEnv = { DATA_DIR: dataDir };
      reopen = async () => openPglite(dataDir);
    } else {
      const database = await freshDatabase('postgres');
      cleanups.push(() => database.close());
      seedDb = openPostgres(database.url!);
      dbEnv = { DATABASE_URL: database.url! };
      reopen = async () => openPostgres(database.url!);
    }
    await seedDb.migrate();
    const project = (await createProject(seedDb.db, { teamId: emulator.teamId, slug: 'load', channelId: CHANNEL, ownerId: OWNER, now: new Date() }))!;
    const token = newToken();
    await insertApiToken(seedDb.db, { teamId: emulator.teamId, projectId: project.id, publicId: token.publicId, tokenHash: token.hash, createdBy: OWNER, now: new Date() });
    await seedDb.close();

    const app = await spawnApp({ ...dbEnv, SLACK_BOT_TOKEN: emulator.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slow.url, SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS), LOG_LEVEL: 'info' });
    const { child, exited, url: appUrl } = app;
    children.push(child);

    // Work in flight when SIGTERM comes: an outbox send (the summary of a run posted through the
    // API) and two App Home events, all waiting on a slow Slack.
    slow.hold('chat.postMessage');
    slow.hold('views.publish', 2);
    expect((await postRun(appUrl, token.token, 'before-stop')).status).toBe(201);
    await waitFor(() => slow.held('chat.postMessage') === 1, 'the outbox send waiting on Slack', 10_000);
    const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const homeA = openHome(appUrl, emulator, 'U0HOMEA', keptAlive);
    await waitFor(() => slow.held('views.publish') === 1, 'the first App Home listener waiting on Slack');
    const homeB = openHome(appUrl, emulator, 'U0HOMEB');
    await waitFor(() => slow.held('views.publish') === 2, 'the second App Home listener waiting on Slack');

    // A burst of writes, each on its own connection; SIGTERM a third of the way through.
    const burst: Promise<{ name: string; answer: Answer }>[] = [];
    let stoppedAt = 0;
    for (let i = 0; i < 36; i++) {
      if (i === 12) {
        child.kill('SIGTERM');
        stoppedAt = Date.now();
      }
      const name = i % 2 === 0 ? `api-${i}` : `cmd-${i}`;
      const answer = i % 2 === 0 ? postRun(appUrl, token.token, name) : slashCommand(appUrl, emulator, `run load auc=0.7 --name ${name}`, `trigger-${i}-${Date.now()}`);
      burst.push(answer.then((a) => ({ name, answer: a })));
      await new Promise((r) => setTimeout(r, 30));
    }

    // Stopping: the first App Home finishes, and the next request on its kept-alive connection is refused.
    await waitFor(() => /stopping/.test(app.output()), 'the app saying it is stopping', 5000).catch(() => undefined);
    slow.release('views.publish');
    const a = await homeA;
    expect(a.status).toBe(200);
    const refused = await slashCommand(appUrl, emulator, 'run load auc=0.6 --name kept-alive', `trigger-kept-${Date.now()}`, keptAlive);
    expect(refused.reusedSocket).toBe(true);
    expect(refused.status).toBe(503);
    expect(refused.headers?.['retry-after']).toBeDefined();

    // The rest of the work in flight finishes; the app exits 0 within its bound.
    slow.release('chat.postMessage');
    slow.release('views.publish');
    expect((await homeB).status).toBe(200);
    const results = await Promise.all(burst);
    const code = await exited;
    const stopSeconds = (Date.now() - stoppedAt) / 1000;
    expect(code, app.output()).toBe(0);
    expect(stopSeconds).toBeLessThan(SHUTDOWN_TIMEOUT_SECONDS + 2);

    // No request was cut: each was answered, or never connected (the app had stopped listening).
    const problems = results.filter(({ answer }) => !(answer.status !== undefined && ((answer.status >= 200 && answer.status < 300) || answer.status === 503)) && answer.error !== 'ECONNREFUSED');
    expect(problems).toEqual([]);
    for (const { answer } of results.filter((r) => r.answer.status === 503)) expect(answer.headers?.['retry-after']).toBeDefined();
    const acked = results.filter(({ answer }) => answer.status !== undefined && answer.status >= 200 && answer.status < 300).map((r) => r.name);
    expect(acked.length).toBeGreaterThan(0);

    // Every request that got a 2xx has its run in the database; none that was refused does.
    const after = await reopen();
    try {
      const names = new Set((await after.db.select({ name: runs.name }).from(runs)).map((r) => r.name));
      expect(acked.filter((n) => !names.has(n))).toEqual([]);
      expect(names.has('kept-alive')).toBe(false);
      expect(names.has('before-stop')).toBe(true);
      // The send in flight ended with its outcome recorded; no row is left 'sending'.
      const rows = await after.db.select({ status: outbox.status }).from(outbox);
      expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
      expect(rows.filter((r) => r.status === 'sent').length).toBeGreaterThanOrEqual(1);
    } finally {
      await after.close();
    }
    expect(emulator.store.homeViews.has('U0HOMEA')).toBe(true);
    expect(emulator.store.homeViews.has('U0HOMEB')).toBe(true);
  }, 90_000);
});

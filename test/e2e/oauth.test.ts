import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { findInstallation, saveInstallation } from '../../src/db/repositories/installations.js';
import { SlackPeople } from '../../src/sandbox/emulator/person.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness, SIGNING_SECRET, testConfig } from '../helpers/harness.js';
import { dbStateStore, OAUTH_STATE_TTL_SECONDS } from '../../src/services/workspaces/oauth-state-store.js';
import { installThroughOauth, OAUTH_CLIENT, oauthConfig, redirectBack, startInstall } from '../helpers/oauth.js';

describe.each(databaseKinds())('multi-workspace OAuth install (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind, { config: oauthConfig(), start: { oauthAuthorizationUrl: 'http://127.0.0.1:9/oauth/v2/authorize' } });
  });
  afterAll(async () => h?.close());

  it('installs through /slack/install and /slack/oauth_redirect, stores the installation, then serves that workspace', async () => {
    const install = await fetch(`${h.app.url}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe(OAUTH_CLIENT.clientId);
    expect(location.searchParams.get('scope')).toContain('commands');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    // The person approves in Slack; Slack redirects back with a one-time code.
    const done = await redirectBack(h, { state, cookie });
    expect(done.status).toBe(200);
    const row = await findInstallation(h.database.db, h.slack.teamId);
    expect(row).toMatchObject({ teamId: h.slack.teamId, botUserId: h.slack.botUserId });

    const res = await h.people.command('U0ALICE', 'C0CHAN', 'status');
    expect(res.status).toBe(200);
    expect((res.body as { text: string }).text).toContain('No projects in this channel yet');
  });

  it('stores the bot token encrypted (no xoxb- anywhere in the row) and still posts with it', async () => {
    const row = (await findInstallation(h.database.db, h.slack.teamId))!;
    expect(JSON.stringify(row)).not.toContain('xoxb-');
    expect(JSON.stringify(row)).not.toContain(h.slack.botToken);
    expect(row.botToken).toMatch(/^enc:v1:/);
    expect(row.installation).toEqual({ sealed: expect.stringMatching(/^enc:v1:/) });

    // Work outside a request (jobs, outbox, API) decrypts it to post; the emulator accepts only the real token.
    const client = await h.app.deps.slack.forTeam(h.slack.teamId);
    expect((await client.chat.postMessage({ channel: 'C0CHAN', text: 'posted with the decrypted token' })).ok).toBe(true);
    expect(h.slack.store.channelMessages('C0CHAN').map((m) => m.text)).toContain('posted with the decrypted token');
  });

  it('reads an installation stored in plain text by an earlier version, and encrypts it on that read', async () => {
    const teamId = 'T0LEGACY';
    const installation = { team: { id: teamId }, bot: { token: h.slack.botToken, userId: 'U0BOT', id: 'B0BOT' }, isEnterpriseInstall: false };
    await saveInstallation(h.database.db, { installKey: teamId, teamId, botToken: h.slack.botToken, botUserId: 'U0BOT', botId: 'B0BOT', installation, now: h.clock.now() });

    const client = await h.app.deps.slack.forTeam(teamId);
    expect((await client.chat.postMessage({ channel: 'C0LEGACY', text: 'legacy row still works' })).ok).toBe(true);
    const row = (await findInstallation(h.database.db, teamId))!;
    expect(row.botToken).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain('xoxb-');
  });

  it('encrypts plain-text installations at start-up', async () => {
    const teamId = 'T0LEGACY2';
    const installation = { team: { id: teamId }, bot: { token: h.slack.botToken, userId: 'U0BOT', id: 'B0BOT' }, isEnterpriseInstall: false };
    await saveInstallation(h.database.db, { installKey: teamId, teamId, botToken: h.slack.botToken, botUserId: 'U0BOT', botId: 'B0BOT', installation, now: h.clock.now() });
    await h.replica();
    expect(JSON.stringify(await findInstallation(h.database.db, teamId))).not.toContain('xoxb-');
  });

  it('with a different TOKEN_ENCRYPTION_KEY: a clear error naming the variable, and the app keeps running', async () => {
    const lines: string[] = [];
    const wrong = await startApp({
      config: testConfig(h.slack, { ...oauthConfig({ tokenKey: randomBytes(32) }) }),
      clock: h.clock,
      database: h.database,
      llm: null,
      runJobs: false,
      fastSlackRetries: true,
      logDestination: { write: (l: string) => void lines.push(l) },
    });
    try {
      expect(lines.join('')).toMatch(/cannot be decrypted with TOKEN_ENCRYPTION_KEY/);
      const people = new SlackPeople(h.slack, wrong.url, SIGNING_SECRET, h.clock);
      const res = await people.command('U0ALICE', 'C0CHAN', 'status');
      // Bolt cannot authorize the request: it is acknowledged with no answer, and the reason is logged.
      expect(res.status).toBe(200);
      expect(res.body).toBeUndefined();
      await waitFor(() => lines.some((l) => l.includes('unhandled Slack listener error') && l.includes('cannot be decrypted with TOKEN_ENCRYPTION_KEY')), 'the logged reason');
      await expect(wrong.deps.slack.forTeam(h.slack.teamId)).rejects.toThrow(/TOKEN_ENCRYPTION_KEY/);
      expect((await fetch(`${wrong.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${wrong.url}/readyz`)).status).toBe(200);
      // The rows are untouched: the right key still reads them.
      expect((await h.people.command('U0ALICE', 'C0CHAN', 'status')).status).toBe(200);
    } finally {
      await wrong.stop();
    }
  });

  it('accepts a state once: the same redirect (state, cookie) replayed with a new code is refused', async () => {
    const start = await startInstall(h);
    const first = await redirectBack(h, start);
    expect(first.status).toBe(200);
    const again = await redirectBack(h, start);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');
  });

  it('refuses a state past its lifetime, and one issued by another app (another state secret)', async () => {
    const store = dbStateStore(h.database.db, OAUTH_CLIENT.stateSecret);
    const issued = new Date('2030-01-01T00:00:00Z');
    const late = await store.generateStateParam({ scopes: ['commands'] }, issued);
    await expect(store.verifyStateParam(new Date(issued.getTime() + (OAUTH_STATE_TTL_SECONDS + 1) * 1000), late)).rejects.toThrow(/unknown, already used or expired/);
    const foreign = await dbStateStore(h.database.db, 'another-apps-secret').generateStateParam({ scopes: [] }, issued);
    await expect(store.verifyStateParam(issued, foreign)).rejects.toThrow(/unknown, already used or expired/);
    const fine = await store.generateStateParam({ scopes: ['commands'], metadata: 'm' }, issued);
    await expect(store.verifyStateParam(new Date(issued.getTime() + 60_000), fine)).resolves.toEqual({ scopes: ['commands'], metadata: 'm' });
  });

  it('answers a person who cancelled in Slack (error=access_denied) with a page saying so, not a 500', async () => {
    const start = await startInstall(h);
    const res = await fetch(`${h.app.url}/slack/oauth_redirect?error=access_denied&state=${encodeURIComponent(start.state)}`, { headers: { cookie: start.cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Installation cancelled');
  });

  it('refuses a redirect whose state was not issued by this app', async () => {
    const code = h.slack.issueOauthCode(OAUTH_CLIENT.clientId);
    const res = await fetch(`${h.app.url}/slack/oauth_redirect?code=${code}&state=forged`);
    expect(res.status).toBe(400);
  });

  it('app_uninstalled forgets the installation', async () => {
    expect(await findInstallation(h.database.db, h.slack.teamId)).toBeDefined();
    const res = await h.people.event({ type: 'app_uninstalled' });
    expect(res.status).toBe(200);
    await waitFor(async () => (await findInstallation(h.database.db, h.slack.teamId)) === undefined, 'installation deleted');
  });

  it('installs again after an uninstall', async () => {
    expect(await installThroughOauth(h)).toBe(200);
    expect(await findInstallation(h.database.db, h.slack.teamId)).toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstallation } from '../../src/db/repositories/installations.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness, SIGNING_SECRET } from '../helpers/harness.js';

const CLIENT = { clientId: '111.222', clientSecret: 'client-secret', stateSecret: 'state-secret' };

describe.each(databaseKinds())('multi-workspace OAuth install (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind, {
      config: { slack: { kind: 'oauth', signingSecret: SIGNING_SECRET, ...CLIENT } },
      start: { oauthAuthorizationUrl: 'http://127.0.0.1:9/oauth/v2/authorize' },
    });
    h.slack.oauthClient = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };
  });
  afterAll(async () => h?.close());

  it('installs through /slack/install and /slack/oauth_redirect, stores the installation, then serves that workspace', async () => {
    const install = await fetch(`${h.app.url}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe(CLIENT.clientId);
    expect(location.searchParams.get('scope')).toContain('commands');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    // The person approves in Slack; Slack redirects back with a one-time code.
    const code = h.slack.issueOauthCode(CLIENT.clientId);
    const done = await fetch(`${h.app.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
    expect(done.status).toBe(200);
    const row = await findInstallation(h.database.db, h.slack.teamId);
    expect(row).toMatchObject({ teamId: h.slack.teamId, botToken: h.slack.botToken, botUserId: h.slack.botUserId });

    const res = await h.people.command('U0ALICE', 'C0CHAN', 'status');
    expect(res.status).toBe(200);
    expect((res.body as { text: string }).text).toContain('No projects in this channel yet');
  });

  it('refuses a redirect whose state was not issued by this app', async () => {
    const code = h.slack.issueOauthCode(CLIENT.clientId);
    const res = await fetch(`${h.app.url}/slack/oauth_redirect?code=${code}&state=forged`);
    expect(res.status).not.toBe(200);
  });

  it('app_uninstalled forgets the installation', async () => {
    expect(await findInstallation(h.database.db, h.slack.teamId)).toBeDefined();
    const res = await h.people.event({ type: 'app_uninstalled' });
    expect(res.status).toBe(200);
    await waitFor(async () => (await findInstallation(h.database.db, h.slack.teamId)) === undefined, 'installation deleted');
  });
});

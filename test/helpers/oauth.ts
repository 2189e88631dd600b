import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.js';
import type { Harness } from './harness.js';
import { SIGNING_SECRET } from './harness.js';

export const OAUTH_CLIENT = { clientId: '111.222', clientSecret: 'client-secret-5f2a9c', stateSecret: 'state-secret-8d41e7' };
/** TOKEN_ENCRYPTION_KEY of the tests (fresh per run). */
export const TOKEN_KEY = randomBytes(32);

/** OAuth (multi-workspace) mode against the emulator. */
export function oauthConfig(opts: { tokenKey?: Buffer } = {}): Partial<Config> {
  return { slack: { kind: 'oauth', signingSecret: SIGNING_SECRET, ...OAUTH_CLIENT, tokenKey: opts.tokenKey ?? TOKEN_KEY } };
}

export interface InstallStart {
  state: string;
  cookie: string;
}

/** GET /slack/install as a browser would: the state Slack will send back, and the cookie that binds it to this browser. */
export async function startInstall(h: Harness): Promise<InstallStart> {
  const install = await fetch(`${h.app.url}/slack/install`, { redirect: 'manual' });
  if (install.status !== 302) throw new Error(`/slack/install answered ${install.status}`);
  const location = new URL(install.headers.get('location')!);
  return { state: location.searchParams.get('state')!, cookie: install.headers.get('set-cookie')!.split(';')[0]! };
}

/** Slack's redirect back to the app after the person approved (a fresh one-time code each call). */
export async function redirectBack(h: Harness, start: InstallStart): Promise<Response> {
  h.slack.oauthClient = { clientId: OAUTH_CLIENT.clientId, clientSecret: OAUTH_CLIENT.clientSecret };
  const code = h.slack.issueOauthCode(OAUTH_CLIENT.clientId);
  return fetch(`${h.app.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(start.state)}`, { headers: { cookie: start.cookie } });
}

/** The whole install; answers the redirect's HTTP status. */
export async function installThroughOauth(h: Harness): Promise<number> {
  const res = await redirectBack(h, await startInstall(h));
  await res.text();
  return res.status;
}

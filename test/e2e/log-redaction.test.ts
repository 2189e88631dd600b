import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastGateMessage, makeProject, OWNER, CHANNEL, settle, vote, voteNoGo } from '../helpers/gates.js';
import { bootApp, type Harness, SIGNING_SECRET } from '../helpers/harness.js';
import { api, tokenFor } from '../helpers/runs.js';
import { installThroughOauth, OAUTH_CLIENT, oauthConfig } from '../helpers/oauth.js';

const [ANA, RAJ, LEE] = ['U0ANAVOTER', 'U0RAJVOTER', 'U0LEEVOTER'];

/** Everything the app logs, line by line, as a deployment's log collector would receive it. */
class LogSink {
  text = '';
  write(chunk: string): void {
    this.text += chunk;
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
}

// At debug level, the most the app ever logs: Bolt, the OAuth installer and the Web API client's own lines too.
describe('logs at debug level hold no secret and no anonymous ballot', () => {
  let h: Harness;
  const sink = new LogSink();
  let apiToken = '';

  beforeAll(async () => {
    h = await bootApp('pglite', {
      config: { ...oauthConfig(), logLevel: 'debug' },
      start: { oauthAuthorizationUrl: 'http://127.0.0.1:9/oauth/v2/authorize', logDestination: sink },
    });

    // A full flow: install through OAuth, an anonymous gate voted to its close, an API run with a token.
    expect(await installThroughOauth(h)).toBe(200);
    await makeProject(h, 'secret-model', { stakeholders: [ANA, RAJ, LEE] });
    await h.people.command(OWNER, CHANNEL, 'gate secret-model --anonymous --quorum 3');
    await settle(h);
    const msg = lastGateMessage(h);
    expect(await vote(h, ANA, msg, 'Go')).toContain('You voted *Go*');
    await voteNoGo(h, RAJ, msg, 'Not yet.');
    await vote(h, LEE, msg, 'Abstain');
    await settle(h);

    apiToken = (await tokenFor(h, OWNER, CHANNEL, 'secret-model')).token;
    const res = await api(h)('POST', '/projects/secret-model/runs', { token: apiToken, body: { metrics: { auc: 0.9 } } });
    expect(res.status).toBe(201);
    await settle(h);
  }, 120_000);
  afterAll(async () => h?.close());

  it('logged the flow (so the checks below look at something)', () => {
    expect(sink.lines().length).toBeGreaterThan(50);
    expect(sink.text).toContain('oauth.v2.access');
    expect(sink.text).toContain('chat.postEphemeral');
  });

  it('every line is one JSON object', () => {
    for (const line of sink.lines()) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('has no client secret, state secret, signing secret, bot token or API token', () => {
    for (const secret of [OAUTH_CLIENT.clientSecret, OAUTH_CLIENT.stateSecret, SIGNING_SECRET, h.slack.botToken, apiToken]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(sink.text).not.toContain(secret);
    }
    expect(sink.text).not.toMatch(/xoxb-(?!\[redacted\])/);
  });

  it('has no line that names an anonymous voter together with a vote', () => {
    const vote = /\b(go|no[_-]go|abstain)\b/i;
    for (const line of sink.lines()) {
      for (const voter of [ANA, RAJ, LEE]) if (line.includes(voter)) expect(line, `line pairs ${voter} with a vote`).not.toMatch(vote);
    }
  });
});

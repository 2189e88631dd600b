import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretValues } from '../src/config.js';

const slack = { SLACK_SIGNING_SECRET: 'sec', SLACK_BOT_TOKEN: 'xoxb-1' };
const KEY_HEX = 'ab'.repeat(32);
const oauth = { SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: 'id', SLACK_CLIENT_SECRET: 'cs', SLACK_STATE_SECRET: 'st', TOKEN_ENCRYPTION_KEY: KEY_HEX };

describe('loadConfig', () => {
  it('with no Slack variables is sandbox mode with embedded defaults', () => {
    const c = loadConfig({});
    expect(c.slack).toEqual({ kind: 'sandbox' });
    expect(c).toMatchObject({ port: 3000, dataDir: './data', minScheduleIntervalSeconds: 60, databaseUrl: undefined, llm: undefined });
  });

  it('reads single-workspace, OAuth and Socket Mode credentials', () => {
    expect(loadConfig(slack).slack).toEqual({ kind: 'single', signingSecret: 'sec', botToken: 'xoxb-1', appToken: undefined });
    expect(loadConfig({ ...slack, SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({ kind: 'single', appToken: 'xapp-1' });
    expect(loadConfig(oauth).slack).toMatchObject({ kind: 'oauth', clientId: 'id', tokenKey: Buffer.from(KEY_HEX, 'hex') });
  });

  it('reads the LLM only when an API key is set, with a default model', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).llm).toEqual({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', model: 'gpt-4o-mini' });
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).llm).toBeUndefined();
  });

  it('reads TOKEN_ENCRYPTION_KEY as 64 hex characters or base64 / base64url of 32 bytes', () => {
    const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    for (const text of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url')]) {
      expect(loadConfig({ ...oauth, TOKEN_ENCRYPTION_KEY: text }).slack).toMatchObject({ tokenKey: key });
    }
  });

  it('lists every configured secret for the logger to redact', () => {
    const c = loadConfig({ ...oauth, SLACK_CLIENT_SECRET: 'client-s3cret', OPENAI_API_KEY: 'sk-test-key', DATABASE_URL: 'postgres://app:p%40ss-word@db:5432/mlops' });
    expect(secretValues(c)).toEqual(expect.arrayContaining(['s', 'client-s3cret', 'st', KEY_HEX, Buffer.from(KEY_HEX, 'hex').toString('base64'), 'sk-test-key', 'p%40ss-word', 'p@ss-word']));
    expect(secretValues(loadConfig(slack))).toEqual(['sec', 'xoxb-1']);
  });

  it('reads RUN_COMMIT_URL_TEMPLATE: an http(s) URL containing {commit}, nothing a Slack link would break on', () => {
    expect(loadConfig({ RUN_COMMIT_URL_TEMPLATE: 'https://github.com/org/repo/commit/{commit}' }).runCommitUrlTemplate).toBe('https://github.com/org/repo/commit/{commit}');
    expect(loadConfig({}).runCommitUrlTemplate).toBeUndefined();
    for (const bad of ['https://github.com/org/repo', 'ftp://host/{commit}', 'https://host/a|b/{commit}', 'javascript:{commit}']) {
      expect(() => loadConfig({ RUN_COMMIT_URL_TEMPLATE: bad })).toThrow(/RUN_COMMIT_URL_TEMPLATE must be an http\(s\) URL containing \{commit\}/);
    }
  });

  it('reads PUBLIC_URL without its trailing slash, and METRICS_TOKEN as a secret to redact', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://mlops.example.com/' }).publicUrl).toBe('https://mlops.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://10.0.0.5:3000/mlops' }).publicUrl).toBe('http://10.0.0.5:3000/mlops');
    for (const bad of ['mlops.example.com', 'ftp://host', 'https://host/?x=1', 'https://host/a b', 'javascript:alert(1)']) {
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL must be the http\(s\) address/);
    }
    expect(secretValues(loadConfig({ ...slack, METRICS_TOKEN: 'm3trics-token-long-enough' }))).toContain('m3trics-token-long-enough');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 16 to 200/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', PORT: '', DATABASE_URL: ' ' }).slack).toEqual({ kind: 'sandbox' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_SIGNING_SECRET: 'sec' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ ...slack, SLACK_APP_TOKEN: 'xoxb-wrong' }, 'SLACK_APP_TOKEN'],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: 'id' }, 'SLACK_CLIENT_SECRET'],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: 'id', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'x', SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SLACK_API_URL: 'not a url' }, 'SLACK_API_URL'],
    [{ MIN_SCHEDULE_INTERVAL_SECONDS: '0' }, 'MIN_SCHEDULE_INTERVAL_SECONDS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...oauth, TOKEN_ENCRYPTION_KEY: undefined }, 'TOKEN_ENCRYPTION_KEY'],
    [{ ...oauth, TOKEN_ENCRYPTION_KEY: 'ab'.repeat(16) }, 'TOKEN_ENCRYPTION_KEY'],
    [{ ...oauth, TOKEN_ENCRYPTION_KEY: 'not a key' }, 'TOKEN_ENCRYPTION_KEY'],
  ])('refuses %o with one line naming %s', (env, name) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });
});

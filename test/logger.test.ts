import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPglite } from '../src/db/client.js';
import { createLogger, type LogLevel } from '../src/logger.js';
import { slackLibraryLogger } from '../src/slack-library-logger.js';

function capture(level: LogLevel = 'debug', secrets: string[] = []) {
  const sink = { text: '', write(s: string) { sink.text += s; } };
  const log = createLogger({ level, secrets, destination: sink });
  const lines = () => sink.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string });
  return { log, lines, raw: () => sink.text };
}

describe('createLogger', () => {
  it('writes one JSON line per call: level, time, message, extras', () => {
    const { log, lines } = capture();
    log.info('outbox 12 delivered', { attempts: 2 });
    expect(lines()).toEqual([expect.objectContaining({ level: 'info', msg: 'outbox 12 delivered', extra: [{ attempts: 2 }], time: expect.any(String) })]);
  });

  it('drops lines below the level', () => {
    const { log, lines } = capture('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    expect(lines().map((l) => l.msg)).toEqual(['w']);
  });

  it('logs an error with its type, message, code and stack (and its cause)', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('channel_not_found', { cause: new Error('root cause') }), { code: 'slack_webapi_platform_error' });
    log.error('outbox 3 failed', err);
    const [line] = lines();
    expect(line).toMatchObject({ level: 'error', msg: 'outbox 3 failed', err: { type: 'Error', message: 'channel_not_found', code: 'slack_webapi_platform_error', cause: { message: 'root cause' } } });
    expect((line!.err as { stack: string }).stack).toContain('logger.test.ts');
  });

  it('a failed statement is logged with its SQL but not its parameters (an anonymous ballot, a brief)', async () => {
    const { log, raw } = capture();
    const db = await openPglite();
    try {
      const err = await db.db.execute(sql`select ${'go-by-U0SECRET'} || (1 / 0)::text`).then(() => new Error('no failure'), (e: Error) => e);
      log.error('vote failed', err);
      log.error(err);
    } finally {
      await db.close();
    }
    expect(raw()).toContain('Failed query: select $1 || (1 / 0)::text');
    expect(raw()).toContain('params: (not logged)');
    expect(raw()).not.toContain('U0SECRET');
  });

  it('a newline or NUL in a logged string cannot forge a second line', () => {
    const { log, lines, raw } = capture();
    const forged = 'slug\n{"level":"error","msg":"forged"}\u0000\r';
    log.warn(`no such project ${forged}`, forged);
    expect(raw().split('\n').filter(Boolean)).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ msg: `no such project ${forged}`, extra: [forged] });
    expect(raw()).not.toContain('\u0000');
    expect(raw()).not.toContain('\r');
  });

  it('redacts tokens by shape and configured secrets by value, in messages, extras and errors', () => {
    const { log, raw } = capture('debug', ['my-signing-secret-123']);
    const bot = 'xoxb-1234-5678-AbCdEfGh';
    const api = `mlops_abcde12345_${'x'.repeat(43)}`;
    log.info(`token ${bot} and xapp-1-A0-123-abc, xoxp-9-9 and ${api}`, { headers: { Authorization: 'Bearer anything' }, client_secret: 'cs', nested: [`secret my-signing-secret-123`] });
    log.error('call failed', new Error(`invalid_auth for ${bot} (Bearer ${bot})`));
    const text = raw();
    for (const leaked of [bot, 'xapp-1-A0', 'xoxp-9-9', api, 'anything', '"cs"', 'my-signing-secret-123']) expect(text).not.toContain(leaked);
    expect(text).toContain('xoxb-[redacted]');
    expect(text).toContain('"client_secret":"[redacted]"');
  });
});

describe('slackLibraryLogger', () => {
  it('keeps only the label of the Web API client request/response body and header lines', () => {
    const { log, lines } = capture();
    const slack = slackLibraryLogger(log);
    slack.debug('http request body: {"client_id":"1","client_secret":"s3cr3t-value","code":"c"}');
    slack.debug('http request result: {"ok":true,"access_token":"xoxb-1"}');
    slack.debug('http request headers: {"Authorization":"[[REDACTED]]"}');
    slack.debug(`http request body: {"channel":"C1","user":"U0ANA","text":"You voted *Go*"}`);
    slack.debug("apiCall('chat.postEphemeral') start");
    slack.warn('http request failed', 'connect ECONNREFUSED');
    expect(lines().map((l) => l.msg)).toEqual([
      '[slack] http request body: (omitted)',
      '[slack] http request result: (omitted)',
      '[slack] http request headers: (omitted)',
      '[slack] http request body: (omitted)',
      "[slack] apiCall('chat.postEphemeral') start",
      '[slack] http request failed',
    ]);
    expect(lines()[5]).toMatchObject({ level: 'warn', extra: ['connect ECONNREFUSED'] });
  });
});

import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/shared/database-unavailable.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
/** What drizzle throws for a failed query: its own error, pg's as the cause. */
const drizzle = (cause: unknown) => new Error('Failed query: insert into "runs" …', { cause });

describe('isDatabaseUnavailable', () => {
  it('knows a server that is down, restarting or unreachable, however it is wrapped', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']) expect(isDatabaseUnavailable(drizzle(coded(code))), code).toBe(true);
    // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08, too many connections
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300']) expect(isDatabaseUnavailable(drizzle(coded(code))), code).toBe(true);
    expect(isDatabaseUnavailable(drizzle(new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // localhost resolving to ::1 and 127.0.0.1, both refused; several Bolt listeners failing at once
    expect(isDatabaseUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('multiple listeners'), { originals: [new Error('x'), drizzle(coded('57P01'))] }))).toBe(true);
  });

  it('does not mistake bugs, bad input or constraint violations for an outage', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(drizzle(coded('23505', 'duplicate key value')))).toBe(false);
    expect(isDatabaseUnavailable(drizzle(coded('40001', 'could not serialize access')))).toBe(false);
    expect(isDatabaseUnavailable(drizzle(coded('42P01', 'relation does not exist')))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  it('does not blame the database for an HTTP call that failed (a response_url, Slack, the LLM)', () => {
    expect(isDatabaseUnavailable(Object.assign(coded('ECONNREFUSED'), { isAxiosError: true }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('fetch failed', { cause: coded('ECONNRESET') }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('Connection error.', { cause: coded('ECONNREFUSED') }), { name: 'APIConnectionError' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('A request error occurred'), { code: 'slack_webapi_request_error', original: coded('ECONNRESET') }))).toBe(false);
  });

  it('stops on a cycle of causes', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

/**
 * Whether an error means "the database cannot be reached right now" — stopped, restarting, out of
 * connections, or the network to it gone — as opposed to a bug or a bad request. Those are answered
 * "try again" (Slack) or 503 (API) instead of a 500: nothing was written (a transaction whose
 * connection dies is rolled back by PostgreSQL), and the pool reconnects by itself once the server
 * is back, so trying again is the right advice.
 *
 * Pure and dependency-free so that every edge can use the one definition. drizzle wraps a failed
 * query in an error whose `cause` is pg's, and Bolt gathers several listeners' errors in
 * `originals`, so the whole chain is looked at.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return check(err, 0);
}

/** Socket errors: connection refused or cut, no route, no DNS answer (a restarting container's name). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs: 57P01 admin_shutdown (a fast or smart shutdown ended the session), 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery), 53300 too_many_connections;
 * and all of class 08, connection exceptions.
 */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres and its pool say, without a code, when a connection ends or cannot be had in time. */
const PG_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly" (server gone mid-session), "… due to connection timeout"
  /^timeout exceeded when trying to connect$/, // the pool's connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Connection ended unexpectedly$/,
];

type ErrorLike = { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown; originals?: unknown; isAxiosError?: unknown };

/**
 * An outbound HTTP call's error (Bolt's `respond` uses axios; fetch; the OpenAI SDK) carries the
 * same socket codes, but a response_url or the LLM being unreachable is not the database: such an
 * error, and whatever it wraps, does not count.
 */
function isHttpClientError(e: ErrorLike): boolean {
  return e.isAxiosError === true || (e.name === 'TypeError' && e.message === 'fetch failed') || (typeof e.name === 'string' && /^API(Connection|ConnectionTimeout)Error$/.test(e.name)) || (typeof e.code === 'string' && e.code.startsWith('slack_webapi_'));
}

function check(err: unknown, depth: number): boolean {
  if (depth > 8 || err === null || typeof err !== 'object') return false;
  const e = err as ErrorLike;
  if (isHttpClientError(e)) return false;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.some((m) => m.test(e.message as string))) return true;
  // Node's AggregateError (a host name with several addresses, each refused), Bolt's MultipleListenerError.
  for (const list of [e.errors, e.originals]) {
    if (Array.isArray(list) && list.some((x) => check(x, depth + 1))) return true;
  }
  return check(e.cause, depth + 1);
}

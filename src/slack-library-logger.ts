import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from './logger.js';

/**
 * Lines of Bolt, the OAuth installer and the Web API client that print a request's or response's
 * body or headers. At debug level those would put in the log the OAuth client secret and the bot
 * token it returns (oauth.v2.access), and message texts such as an anonymous voter's ephemeral
 * "You voted Go" next to their user id. Only the part before the colon is kept.
 */
const BODY_LINES = /^(http request body|http request headers|http request result|ack\(\) call begins|ack\(\) response stored|ack\(\) response sent)\b/;

function withoutBodies(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (first instanceof Error) return [`[slack] ${first.message}`, ...args];
  if (typeof first !== 'string') return ['[slack]', ...args];
  const m = BODY_LINES.exec(first);
  return m ? [`[slack] ${m[1]}: (omitted)`] : [`[slack] ${first}`, ...rest];
}

/**
 * The `logger` option of Bolt, the OAuth installer and every WebClient: their lines go through the
 * app's logger (JSON, redacted), never their own console logger. Our logger filters by level, so
 * the level these libraries read or set here is not used.
 */
export function slackLibraryLogger(log: Logger): SlackLogger {
  return {
    debug: (...m: unknown[]) => log.debug(...withoutBodies(m)),
    info: (...m: unknown[]) => log.info(...withoutBodies(m)),
    warn: (...m: unknown[]) => log.warn(...withoutBodies(m)),
    error: (...m: unknown[]) => log.error(...withoutBodies(m)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

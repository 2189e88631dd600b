import pino, { type DestinationStream } from 'pino';
import { redactor } from './shared/redact-secrets.js';

/**
 * The app's logger: one JSON object per line (pino), so a newline or NUL inside a logged string is
 * escaped and cannot forge a line. Called as `log.info('message', ...extra)`: an Error among the
 * arguments becomes `err` (type, message, code, stack, cause), anything else goes under `extra`.
 * Every string is passed through the secret redactor first (see src/shared/redact-secrets.ts).
 */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  level: LogLevel;
  /** Values to redact wherever they appear (the configured secrets). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go (default stdout); tests pass a sink to read them. */
  destination?: DestinationStream;
  name?: string;
}

interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError | string;
}

/**
 * Only these fields of an error are logged. Slack Web API errors carry the failed HTTP request
 * (axios config with the Authorization header, the request body, sockets); none of that belongs in a log.
 */
function serializeError(e: Error, depth = 0): SerializedError {
  const code = (e as { code?: unknown }).code;
  const out: SerializedError = { type: e.name, message: withoutQueryParameters(e.message), stack: e.stack === undefined ? undefined : withoutQueryParameters(e.stack) };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (e.cause !== undefined && depth < 3) out.cause = e.cause instanceof Error ? serializeError(e.cause, depth + 1) : String(e.cause);
  return out;
}

/**
 * drizzle's error for a failed statement says `Failed query: <sql>\nparams: <values>`: the values
 * are what a person sent (an anonymous ballot, a token's hash, a brief), so the SQL is kept and the
 * values are not, wherever such an error is logged.
 */
function withoutQueryParameters(text: string): string {
  return text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/g, '\nparams: (not logged)');
}

export function createLogger(opts: LoggerOptions): Logger {
  const redact = redactor(opts.secrets);
  const out = pino(
    {
      level: opts.level,
      base: { name: opts.name ?? 'mlops' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // `err` arrives already serialized (serializeError, below); pino's own serializer would redo it.
      serializers: { err: (e: unknown) => e },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );

  const at =
    (level: LogLevel) =>
    (...args: unknown[]): void => {
      if (!out.isLevelEnabled(level)) return;
      const errors: Error[] = [];
      const extra: unknown[] = [];
      const msg = typeof args[0] === 'string' ? args[0] : undefined;
      for (const a of msg === undefined ? args : args.slice(1)) {
        if (a instanceof Error) errors.push(a);
        else extra.push(a);
      }
      const fields: Record<string, unknown> = {};
      if (errors.length > 0) fields.err = redact.value(serializeError(errors[0]!));
      if (errors.length > 1) fields.errs = errors.slice(1).map((e) => redact.value(serializeError(e)));
      if (extra.length > 0) fields.extra = redact.value(extra);
      out[level](fields, redact.text(msg ?? withoutQueryParameters(errors[0]?.message ?? '')));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

import { z } from 'zod';
import { parseTokenKey } from './shared/token-cipher.js';

/**
 * The only reader of process.env. Every variable is validated here so a bad value stops start-up
 * with one line that names it, instead of failing later in a listener.
 */
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (name: string) =>
  optionalString.refine((v) => v === undefined || URL.canParse(v), { message: `${name} must be a URL such as http://127.0.0.1:8080` });

const wholeNumber = (message: string, min: number, max: number) =>
  optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max), { message })
    .transform((v) => (v === undefined ? undefined : Number(v)));

export const Env = z
  .object({
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^xoxb-/.test(v), {
      message: 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-',
    }),
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || /^xapp-/.test(v), {
      message: 'SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    }),
    TOKEN_ENCRYPTION_KEY: optionalString.refine((v) => v === undefined || parseTokenKey(v) !== undefined, {
      message: 'TOKEN_ENCRYPTION_KEY must be 32 bytes written as 64 hex characters or in base64 (make one with: openssl rand -base64 32)',
    }),
    SLACK_API_URL: url('SLACK_API_URL'),
    DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_URL must be a postgres:// URL',
    }),
    DATA_DIR: optionalString,
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
    OPENAI_MODEL: optionalString,
    PORT: wholeNumber('PORT must be a whole number from 0 to 65535', 0, 65535),
    MIN_SCHEDULE_INTERVAL_SECONDS: wholeNumber('MIN_SCHEDULE_INTERVAL_SECONDS must be a whole number of seconds, at least 1', 1, 31_536_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    RUN_COMMIT_URL_TEMPLATE: optionalString.refine(
      // It becomes a Slack link <url|sha>: a | < > or space would break the link, so they are refused here.
      (v) => v === undefined || (/^https?:\/\/[^\s|<>]+$/.test(v) && v.includes('{commit}') && URL.canParse(v.split('{commit}').join('0'))),
      { message: 'RUN_COMMIT_URL_TEMPLATE must be an http(s) URL containing {commit}, such as https://github.com/org/repo/commit/{commit}' },
    ),
    PUBLIC_URL: optionalString.refine((v) => v === undefined || (/^https?:\/\/[^\s|<>?#]+$/.test(v) && URL.canParse(v)), {
      message: 'PUBLIC_URL must be the http(s) address people and CI reach the app at, such as https://mlops.example.com (no query or fragment)',
    }),
    METRICS_TOKEN: optionalString.refine((v) => v === undefined || /^[\x21-\x7e]{16,200}$/.test(v), {
      message: 'METRICS_TOKEN must be 16 to 200 printable characters without spaces (make one with: openssl rand -hex 24)',
    }),
    SHUTDOWN_TIMEOUT_SECONDS: wholeNumber('SHUTDOWN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 300', 1, 300),
  })
  .superRefine((env, ctx) => {
    const need = (name: keyof typeof env, because: string) => {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required ${because}` });
    };
    const anySlack = env.SLACK_BOT_TOKEN || env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET || env.SLACK_STATE_SECRET || env.SLACK_APP_TOKEN;
    if (anySlack) need('SLACK_SIGNING_SECRET', 'when Slack credentials are set (it verifies requests from Slack)');
    if (env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET || env.SLACK_STATE_SECRET) {
      need('SLACK_CLIENT_ID', 'for OAuth (multi-workspace) mode');
      need('SLACK_CLIENT_SECRET', 'for OAuth (multi-workspace) mode');
      need('SLACK_STATE_SECRET', 'for OAuth (multi-workspace) mode');
      if (env.SLACK_BOT_TOKEN) {
        ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'SLACK_BOT_TOKEN must not be set together with SLACK_CLIENT_ID: choose single-workspace or OAuth mode' });
      }
      need('TOKEN_ENCRYPTION_KEY', 'for OAuth (multi-workspace) mode: it encrypts the bot tokens stored in the database (make one with: openssl rand -base64 32)');
    } else if (env.SLACK_SIGNING_SECRET && !env.SLACK_BOT_TOKEN) {
      need('SLACK_BOT_TOKEN', 'when SLACK_SIGNING_SECRET is set without OAuth (single-workspace mode)');
    }
  });

export type SlackMode =
  | { kind: 'sandbox' }
  | { kind: 'single'; signingSecret: string; botToken: string; appToken?: string }
  | { kind: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string; appToken?: string; /** AES-256 key for the stored bot tokens (TOKEN_ENCRYPTION_KEY). */ tokenKey: Buffer };

export interface Config {
  slack: SlackMode;
  slackApiUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  llm?: { apiKey: string; baseURL?: string; model: string };
  port: number;
  minScheduleIntervalSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** On SIGTERM, how long requests in flight and the job runner's current pass may take before the app stops anyway (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Links a run's commit in its summary: `{commit}` is replaced by the sha (RUN_COMMIT_URL_TEMPLATE). */
  runCommitUrlTemplate?: string;
  /** The address people and CI jobs reach the app at, without a trailing slash (PUBLIC_URL): used in every link and snippet the app prints. */
  publicUrl?: string;
  /** When set, GET /metrics asks for `Authorization: Bearer <it>` (METRICS_TOKEN). */
  metricsToken?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment into a Config, or throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const message = issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
    throw new ConfigError(`Invalid configuration: ${message}`);
  }
  const e = parsed.data;
  let slack: SlackMode;
  if (e.SLACK_CLIENT_ID) {
    slack = { kind: 'oauth', signingSecret: e.SLACK_SIGNING_SECRET!, clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET!, stateSecret: e.SLACK_STATE_SECRET!, appToken: e.SLACK_APP_TOKEN, tokenKey: parseTokenKey(e.TOKEN_ENCRYPTION_KEY!)! };
  } else if (e.SLACK_BOT_TOKEN) {
    slack = { kind: 'single', signingSecret: e.SLACK_SIGNING_SECRET!, botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN };
  } else {
    slack = { kind: 'sandbox' };
  }
  return {
    slack,
    slackApiUrl: e.SLACK_API_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? './data',
    llm: e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL ?? 'gpt-4o-mini' } : undefined,
    port: e.PORT ?? 3000,
    minScheduleIntervalSeconds: e.MIN_SCHEDULE_INTERVAL_SECONDS ?? 60,
    logLevel: e.LOG_LEVEL ?? 'info',
    shutdownTimeoutMs: (e.SHUTDOWN_TIMEOUT_SECONDS ?? 10) * 1000,
    runCommitUrlTemplate: e.RUN_COMMIT_URL_TEMPLATE,
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}

/** Every configured credential, for the logger to redact wherever one appears. */
export function secretValues(config: Config): string[] {
  const s = config.slack;
  const key = s.kind === 'oauth' ? [s.tokenKey.toString('hex'), s.tokenKey.toString('base64'), s.tokenKey.toString('base64url')] : [];
  const slack = s.kind === 'oauth' ? [s.signingSecret, s.clientSecret, s.stateSecret, s.appToken, ...key] : s.kind === 'single' ? [s.signingSecret, s.botToken, s.appToken] : [];
  return [...slack, config.llm?.apiKey, config.metricsToken, ...databasePassword(config.databaseUrl)].filter((v): v is string => Boolean(v));
}

/** The password in DATABASE_URL, as written and decoded (a driver's error may print either). */
function databasePassword(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return [];
  const password = new URL(url).password;
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

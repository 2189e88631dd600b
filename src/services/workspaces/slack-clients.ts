import { WebClient } from '@slack/web-api';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { SlackClients } from '../../deps.js';
import type { Logger } from '../../logger.js';
import { slackLibraryLogger } from '../../slack-library-logger.js';
import { tokenCipher } from '../../shared/token-cipher.js';
import { installedBotToken } from './installation-secrets.js';

/**
 * Clients for work outside a request. They never retry or queue on 429 by themselves: the outbox
 * decides when to try again, so one rate-limited message does not stall a worker for minutes.
 */
/** A hung connection must not stall the job loop: a call is abandoned (and retried by the outbox) after this. */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

export function slackClients(config: Config, db: Db, log: Logger): SlackClients {
  const options = { logger: slackLibraryLogger(log), slackApiUrl: config.slackApiUrl ? `${config.slackApiUrl.replace(/\/+$/, '')}/` : undefined, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: SLACK_CALL_TIMEOUT_MS };
  const cache = new Map<string, WebClient>();
  const client = (token: string) => {
    let c = cache.get(token);
    if (!c) cache.set(token, (c = new WebClient(token, options)));
    return c;
  };
  return {
    async forTeam(teamId) {
      if (config.slack.kind === 'single') return client(config.slack.botToken);
      if (config.slack.kind === 'oauth') return client(await installedBotToken(db, tokenCipher(config.slack.tokenKey), teamId));
      throw new Error('sandbox mode resolves to single-workspace credentials before start-up');
    },
  };
}

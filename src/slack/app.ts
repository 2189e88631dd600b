import { App, ExpressReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import webApi from '@slack/web-api';
import type { Express } from 'express';
import type { Deps } from '../deps.js';
import { SLACK_CALL_TIMEOUT_MS } from '../services/workspaces/slack-clients.js';
import { dbInstallationStore } from '../services/workspaces/installation-store.js';
import { registerMlopsCommand } from './listeners/commands/mlops.js';
import { SUBCOMMANDS } from './listeners/commands/subcommands/index.js';
import { registerEvents } from './listeners/events/index.js';
import { dedupeRetries } from './listeners/middleware/dedupe.js';
import { registerFeatures } from './listeners/register-features.js';
import { acknowledgeUnhandled } from './ack-unhandled.js';
import { checkSlackEnvelope } from './envelope.js';
import { verifySlackRequest } from './verify-request.js';

export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'channels:read', 'groups:read', 'channels:history', 'groups:history', 'files:write'];

function boltLogger(deps: Deps): BoltLogger {
  return {
    debug: (...m) => deps.log.debug('[bolt]', ...m),
    info: (...m) => deps.log.info('[bolt]', ...m),
    warn: (...m) => deps.log.warn('[bolt]', ...m),
    error: (...m) => deps.log.error('[bolt]', ...m),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * Builds the Bolt app on our Express app: HTTP mode serves POST /slack/events (and the OAuth routes
 * in multi-workspace mode); Socket Mode takes Slack's traffic over a WebSocket instead.
 */
export function createSlackApp(deps: Deps, http: Express, opts: { fastRetries?: boolean; authorizationUrl?: string } = {}): App {
  const { config } = deps;
  const slack = config.slack;
  if (slack.kind === 'sandbox') throw new Error('sandbox mode must be resolved to emulator credentials before creating the Slack app');
  const logger = boltLogger(deps);
  const clientOptions = {
    slackApiUrl: config.slackApiUrl,
    timeout: SLACK_CALL_TIMEOUT_MS,
    ...(opts.fastRetries ? { retryConfig: webApi.retryPolicies.rapidRetryPolicy } : {}),
  };
  const oauth =
    slack.kind === 'oauth'
      ? { clientId: slack.clientId, clientSecret: slack.clientSecret, stateSecret: slack.stateSecret, scopes: BOT_SCOPES, installationStore: dbInstallationStore(deps.db, deps.clock),
          installerOptions: {
            directInstall: true,
            // The token exchange (oauth.v2.access) goes to the same Web API as everything else.
            clientOptions: { slackApiUrl: config.slackApiUrl },
            ...(opts.authorizationUrl ? { authorizationUrl: opts.authorizationUrl } : {}),
          },
        }
      : {};

  let app: App;
  if (slack.appToken) {
    const receiver = new SocketModeReceiver({ appToken: slack.appToken, logger, ...oauth });
    app = new App({ receiver, logger, clientOptions, ...(slack.kind === 'single' ? { token: slack.botToken } : {}) });
  } else {
    // Our verifier runs first (with the injected clock, capping the body), then the shape check;
    // Bolt then reuses the raw body they kept.
    http.use('/slack/events', verifySlackRequest(slack.signingSecret, deps.clock), checkSlackEnvelope());
    const receiver = new ExpressReceiver({ signingSecret: slack.signingSecret, signatureVerification: false, app: http, logger, ...oauth });
    app = new App({ receiver, logger, clientOptions, ...(slack.kind === 'single' ? { token: slack.botToken } : {}) });
  }
  acknowledgeUnhandled(app, deps.log);
  app.use(dedupeRetries(deps));
  registerMlopsCommand(app, deps, SUBCOMMANDS);
  registerEvents(app, deps);
  registerFeatures(app, deps);
  app.error(async (err) => {
    deps.log.error('unhandled Slack listener error', err);
  });
  return app;
}

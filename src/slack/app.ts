import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, ExpressReceiver, HTTPModuleFunctions, SocketModeReceiver } from '@slack/bolt';
import webApi from '@slack/web-api';
import type { Express } from 'express';
import type { Deps } from '../deps.js';
import { slackLibraryLogger } from '../slack-library-logger.js';
import { tokenCipher } from '../shared/token-cipher.js';
import { SLACK_CALL_TIMEOUT_MS } from '../services/workspaces/slack-clients.js';
import { dbInstallationStore } from '../services/workspaces/installation-store.js';
import { dbStateStore } from '../services/workspaces/oauth-state-store.js';
import { oauthCallbackOptions } from './oauth-callback-pages.js';
import { registerMlopsCommand } from './listeners/commands/mlops.js';
import { SUBCOMMANDS } from './listeners/commands/subcommands/index.js';
import { registerEvents } from './listeners/events/index.js';
import { answerDatabaseUnavailable } from './listeners/middleware/database-unavailable.js';
import { dedupeRetries } from './listeners/middleware/dedupe.js';
import { registerFeatures } from './listeners/register-features.js';
import { SlackListeners } from './listeners/registry.js';
import { acknowledgeUnhandled } from './ack-unhandled.js';
import { answerEventsAfterListeners, eventDeliveryErrorHandler } from './event-delivery.js';
import { slackEventsEndpoint } from './events-endpoint.js';
import { singleWorkspaceAuthorize } from './single-authorize.js';

/** What the bot asks for; test/manifest.test.ts derives it from the Web API methods the code calls and the events it subscribes to. */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'channels:history', 'groups:history', 'files:write'];

export interface SlackApp {
  app: App;
  /** HTTP mode: the handler of /slack/events, for the node:http server to call ahead of Express. */
  events?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * Builds the Bolt app: in HTTP mode, the handler of /slack/events (events-endpoint.ts) and, in
 * multi-workspace mode, the OAuth routes on our Express app; Socket Mode takes Slack's traffic over
 * a WebSocket instead.
 */
export function createSlackApp(deps: Deps, http: Express, opts: { fastRetries?: boolean; authorizationUrl?: string } = {}): SlackApp {
  const { config } = deps;
  const slack = config.slack;
  if (slack.kind === 'sandbox') throw new Error('sandbox mode must be resolved to emulator credentials before creating the Slack app');
  const logger = slackLibraryLogger(deps.log);
  const clientOptions = {
    slackApiUrl: config.slackApiUrl,
    timeout: SLACK_CALL_TIMEOUT_MS,
    ...(opts.fastRetries ? { retryConfig: webApi.retryPolicies.rapidRetryPolicy } : {}),
  };
  const oauth =
    slack.kind === 'oauth'
      ? { clientId: slack.clientId, clientSecret: slack.clientSecret, stateSecret: slack.stateSecret, scopes: BOT_SCOPES, installationStore: dbInstallationStore(deps.db, deps.clock, tokenCipher(slack.tokenKey)),
          installerOptions: {
            directInstall: true,
            // Single-use states, and a clear page when the person cancels or reuses a link.
            stateStore: dbStateStore(deps.db, slack.stateSecret),
            callbackOptions: oauthCallbackOptions,
            // The token exchange (oauth.v2.access) goes to the same Web API as everything else.
            clientOptions: { slackApiUrl: config.slackApiUrl },
            ...(opts.authorizationUrl ? { authorizationUrl: opts.authorizationUrl } : {}),
          },
        }
      : {};

  // Single-workspace mode: Bolt would call auth.test at construction with nobody awaiting it, so a
  // Slack outage at start-up became an unhandled rejection (which ends a Node process). Deferred,
  // auth.test runs inside the first request, where a failure is an ordinary request error, and its
  // answer is kept (see singleWorkspaceAuthorize).
  const single = slack.kind === 'single' ? { authorize: singleWorkspaceAuthorize(deps, slack.botToken) } : {};
  let app: App;
  let events: SlackApp['events'];
  if (slack.appToken) {
    const receiver = new SocketModeReceiver({ appToken: slack.appToken, logger, ...oauth });
    app = new App({ receiver, logger, clientOptions, convoStore: false, ...single });
  } else {
    // The receiver serves only the OAuth routes (none in single-workspace mode): /slack/events is
    // served ahead of Express by events-endpoint.ts, which verifies, checks and parses the body once.
    const receiver = new ExpressReceiver({ signingSecret: slack.signingSecret, signatureVerification: false, endpoints: {}, app: http, logger, ...oauth });
    app = new App({ receiver, logger, clientOptions, convoStore: false, ...single });
    // An event not handled (its listener failed, or another delivery is running it) is answered
    // 500/503 so Slack sends it again; see event-delivery.ts.
    const processEventErrorHandler = eventDeliveryErrorHandler(deps.log, HTTPModuleFunctions.defaultProcessEventErrorHandler);
    events = slackEventsEndpoint(app, { signingSecret: slack.signingSecret, clock: deps.clock, log: deps.log, boltLogger: logger, processEventErrorHandler, onAnswered: (surface, seconds) => deps.metrics.slackAck.observe({ surface }, seconds) });
  }
  // convoStore: false — the app keeps no Bolt conversation state (everything lives in the
  // database), and Bolt's default store throws and catches an Error on every request to find that out.
  acknowledgeUnhandled(app, deps.log);
  // Wraps acknowledgeUnhandled's wrapper: an event's ack, given by Bolt or by it, is held until the listeners finished.
  answerEventsAfterListeners(app);
  // First, around everything: the database being down is answered "try again", not left unanswered.
  app.use(answerDatabaseUnavailable(deps));
  app.use(dedupeRetries(deps));
  // Last: every listener of the app, behind one Bolt middleware (see listeners/registry.ts).
  const listeners = new SlackListeners();
  registerMlopsCommand(listeners, deps, SUBCOMMANDS);
  registerEvents(listeners, deps);
  registerFeatures(listeners, deps);
  app.use(listeners.middleware());
  app.error(async (err) => {
    deps.log.error('unhandled Slack listener error', err);
  });
  return { app, events };
}

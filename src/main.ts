// Entry point: `npm start`. Reads the environment once, then runs the app (and, with no Slack
// credentials, the built-in Slack emulator so the app can be used without a workspace).
import { type RunningApp, startApp } from './app.js';
import { type Config, ConfigError, loadConfig, secretValues } from './config.js';
import { createLogger } from './logger.js';
import { type Sandbox, startSandbox } from './sandbox/start.js';
import { printable } from './shared/printable.js';

// The few lines printed here are plain text for the person who ran `npm start` (the app's own logs
// are JSON lines); values from the environment go through printable() so none can forge a line.
const say = (line: string) => console.log(printable(line, Infinity));
const fail = (line: string) => console.error(printable(line, Infinity));

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      fail(err.message);
      process.exit(1);
    }
    throw err;
  }

  // Signals are handled from the start: a stop asked for while the app is still starting (the
  // embedded database can take seconds) waits for start-up, then stops cleanly.
  let sandbox: Sandbox | undefined;
  let running: RunningApp | undefined;
  // A stop (see RunningApp.stop) lets requests in flight and the current job pass finish, within
  // SHUTDOWN_TIMEOUT_SECONDS, then closes the database and exits 0. A second signal is not caught
  // (`once`): it ends the process at once, for someone who does not want to wait.
  let stopRequested = false;
  let stopping = false;
  const shutdown = async () => {
    stopRequested = true;
    if (!running || stopping) return;
    stopping = true;
    await running.stop();
    await sandbox?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  if (config.slack.kind === 'sandbox') {
    sandbox = await startSandbox();
    config = { ...config, ...sandbox.slackConfig };
  }

  // One logger for the app and for whatever escapes it, so a crash is a JSON line with secrets redacted too.
  const log = createLogger({ level: config.logLevel, secrets: secretValues(config) });
  const crash = (what: string) => (err: unknown) => {
    log.error(what, err);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled promise rejection'));

  const app = (running = await startApp({ config, log, sandboxPageUrl: sandbox?.pageUrl }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      fail(`Invalid configuration: PORT ${config.port} is already in use`);
      process.exit(1);
    }
    return crash('start-up failed')(err) as never;
  }));
  if (stopRequested) return shutdown();
  const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  if (sandbox) {
    sandbox.connect(app.url);
    say(`MLOps Lifecycle running in sandbox mode (no Slack credentials set): a local Slack emulator plays the workspace.`);
    say(`  open this:       ${sandbox.pageUrl}  (the sandbox workspace: act as any of its people, type /mlops help)`);
    say(`  app:             ${app.url}  (health: ${app.url}/healthz)`);
  } else {
    say(`MLOps Lifecycle listening on ${app.url} (${config.slack.kind === 'oauth' ? 'multi-workspace OAuth' : 'single workspace'}${config.slack.kind !== 'sandbox' && config.slack.appToken ? ', Socket Mode' : ''})`);
    const base = config.publicUrl ?? app.url;
    say(`  Slack requests:  ${base}/slack/events${config.slack.kind === 'oauth' ? `  (install: ${base}/slack/install)` : ''}`);
    if (!config.publicUrl) say(`  PUBLIC_URL is not set: links and snippets the app prints name no address (set it to where Slack and CI reach this app).`);
  }
  say(`  database:        ${db}`);
}

await main();

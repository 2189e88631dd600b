// Entry point: `npm start`. Reads the environment once, then runs the app (and, with no Slack
// credentials, the built-in Slack emulator so the app can be used without a workspace).
import { randomBytes } from 'node:crypto';
import { type RunningApp, startApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { SlackWebApiEmulator } from './sandbox/emulator/web-api.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  // Signals are handled from the start: a stop asked for while the app is still starting (the
  // embedded database can take seconds) waits for start-up, then stops cleanly.
  let emulator: SlackWebApiEmulator | undefined;
  let running: RunningApp | undefined;
  let stopRequested = false;
  const shutdown = async () => {
    stopRequested = true;
    if (!running) return;
    await running.stop();
    await emulator?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  if (config.slack.kind === 'sandbox') {
    emulator = await new SlackWebApiEmulator().start();
    const signingSecret = randomBytes(16).toString('hex');
    config = { ...config, slack: { kind: 'single', botToken: emulator.botToken, signingSecret }, slackApiUrl: emulator.apiUrl };
  }

  const app = (running = await startApp({ config }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      console.error(`Invalid configuration: PORT ${config.port} is already in use`);
      process.exit(1);
    }
    throw err;
  }));
  if (stopRequested) return shutdown();
  const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  if (emulator) {
    console.log(`MLOps Lifecycle running in sandbox mode (no Slack credentials set): a local Slack emulator plays the workspace.`);
    console.log(`  app:             ${app.url}  (health: ${app.url}/healthz)`);
    console.log(`  Slack emulator:  ${emulator.url}`);
  } else {
    console.log(`MLOps Lifecycle listening on ${app.url} (${config.slack.kind === 'oauth' ? 'multi-workspace OAuth' : 'single workspace'}${config.slack.kind !== 'sandbox' && config.slack.appToken ? ', Socket Mode' : ''})`);
  }
  console.log(`  database:        ${db}`);
}

await main();

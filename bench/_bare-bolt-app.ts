/**
 * The baseline of bench/slack-ack.ts: a bare Bolt 4 app — its default HTTPReceiver and one no-op
 * listener per payload kind — in its own process. It talks to a Slack emulator only for the
 * auth.test Bolt makes at start. Reports its port, then its CPU time whenever asked.
 */
import { App, LogLevel } from '@slack/bolt';
import { SlackWebApiEmulator } from '../src/sandbox/emulator/web-api.js';

const signingSecret = process.env.BENCH_SIGNING_SECRET ?? 'bench-signing-secret';
const slack = await new SlackWebApiEmulator().start();
const app = new App({ signingSecret, token: slack.botToken, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.apiUrl } });
app.command('/noop', async ({ ack }) => ack());
app.action('noop', async ({ ack }) => ack());
app.view('noop', async ({ ack }) => ack());
const server = (await app.start(0)) as import('node:http').Server;
const { port } = server.address() as import('node:net').AddressInfo;

process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() });
  else if (m.type === 'stop') void app.stop().then(() => slack.close()).then(() => process.exit(0));
});
process.send!({ type: 'ready', url: `http://127.0.0.1:${port}`, teamId: slack.teamId });

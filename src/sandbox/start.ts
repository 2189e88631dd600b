import { randomBytes } from 'node:crypto';
import { SlackPeople } from './emulator/person.js';
import { loadExample } from './example.js';
import { SlackWebApiEmulator } from './emulator/web-api.js';
import { serveSandboxPage } from './page/server.js';

/** Sandbox mode's workspace: the Slack emulator the app talks to, and the page a person uses it through. */
export interface Sandbox {
  emulator: SlackWebApiEmulator;
  /** Where the page is (the emulator's host). */
  pageUrl: string;
  /** The app's Slack settings for this workspace: the emulator's bot token and API, and the secret the page's people sign with. */
  slackConfig: { slack: { kind: 'single'; botToken: string; signingSecret: string }; slackApiUrl: string };
  /** Once the app listens: people act on it from the page. */
  connect(appUrl: string): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: { port?: number } = {}): Promise<Sandbox> {
  const emulator = await new SlackWebApiEmulator().start(opts.port ?? 0);
  const signingSecret = randomBytes(16).toString('hex');
  return {
    emulator,
    pageUrl: `${emulator.url}/`,
    slackConfig: { slack: { kind: 'single', botToken: emulator.botToken, signingSecret }, slackApiUrl: emulator.apiUrl },
    connect(appUrl) {
      const people = new SlackPeople(emulator, appUrl, signingSecret);
      serveSandboxPage({ api: emulator, people, loadExample: () => loadExample({ api: emulator, people, appUrl }) });
    },
    close: () => emulator.close(),
  };
}

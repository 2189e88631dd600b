import { randomBytes } from 'node:crypto';
import { SlackPeople } from './emulator/person.js';
import { loadExample } from './example.js';
import { SlackWebApiEmulator } from './emulator/web-api.js';
import { serveSandboxPage } from './page/server.js';

/** Sandbox mode's workspace: the Slack emulator the app talks to, and the page a person uses it through. */
export interface Sandbox {
  emulator: SlackWebApiEmulator;
  /** The secret the page's people sign their requests with; the app verifies with it, as with Slack's. */
  signingSecret: string;
  /** Where the page is (the emulator's host). */
  pageUrl: string;
  /** Once the app listens: people act on it from the page. */
  connect(appUrl: string): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: { port?: number } = {}): Promise<Sandbox> {
  const emulator = await new SlackWebApiEmulator().start(opts.port ?? 0);
  const signingSecret = randomBytes(16).toString('hex');
  return {
    emulator,
    signingSecret,
    pageUrl: `${emulator.url}/`,
    connect(appUrl) {
      const people = new SlackPeople(emulator, appUrl, signingSecret);
      serveSandboxPage({ api: emulator, people, loadExample: () => loadExample({ api: emulator, people, appUrl }) });
    },
    close: () => emulator.close(),
  };
}

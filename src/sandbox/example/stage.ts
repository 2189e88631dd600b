import type { SlackPeople } from '../emulator/person.js';
import type { StoredMessage } from '../emulator/store.js';
import type { SlackWebApiEmulator } from '../emulator/web-api.js';
import { SANDBOX_PEOPLE } from '../roster.js';

/** The emulated workspace and the app it talks to: what "Load example" acts through. */
export interface ExampleWorkspace {
  api: SlackWebApiEmulator;
  people: SlackPeople;
  /** The app's base URL, for its HTTP API. */
  appUrl: string;
}

const POLL_MS = 25;

/** An Error whose message a person on the sandbox page can read as it is. */
export function stopped(what: string): Error {
  return new Error(`Load example stopped: ${what}`);
}

const nameOf = (user: string) => SANDBOX_PEOPLE.find((p) => p.id === user)?.name ?? user;

/**
 * What the example's people do in one channel — type commands and messages, click buttons, call
 * the HTTP API with the project's token — and what they wait for. The app posts through its
 * outbox, so every step waits for the message it expects to appear in the emulated workspace,
 * and says which one when it does not.
 */
export class Stage {
  /** The project's API token, once `/mlops token` gave one. */
  token: string | null = null;

  constructor(
    private readonly ws: ExampleWorkspace,
    readonly channel: string,
    private readonly timeoutMs: number,
  ) {}

  get store() {
    return this.ws.api.store;
  }

  /** `/mlops <text>` typed by `user` in the channel; returns the reply only they see, which must match `expected`. */
  async command(user: string, text: string, expected: RegExp): Promise<string> {
    const res = await this.ws.people.command(user, this.channel, text);
    const reply = (res.body as { text?: string } | undefined)?.text ?? '';
    if (res.status !== 200) throw stopped(`the app answered ${res.status} to \`/mlops ${short(text)}\` (is it still starting?)`);
    if (!expected.test(reply)) throw stopped(`\`/mlops ${short(text)}\` by ${nameOf(user)} was answered: ${short(reply, 300)}`);
    return reply;
  }

  /** A message typed by `user` in a thread of the channel. */
  async say(user: string, text: string, threadTs: string): Promise<void> {
    const res = await this.ws.people.say(user, this.channel, text, threadTs);
    if (res.status !== 200) throw stopped(`the app answered ${res.status} to ${nameOf(user)}'s message "${short(text)}"`);
  }

  /** `user` clicks the button labelled `label` on `message`, then waits for the reply only they see, which must match `expected`. */
  async click(user: string, message: StoredMessage, label: string, expected: RegExp): Promise<string> {
    const mine = () => this.store.ephemerals.filter((e) => e.user === user);
    const before = mine().length;
    const current = this.store.find(message.channel, message.ts) ?? message;
    let status: number;
    try {
      status = (await this.ws.people.click(user, current, label)).status;
    } catch (err) {
      throw stopped(`${nameOf(user)} could not click "${label}": ${(err as Error).message}`);
    }
    if (status !== 200) throw stopped(`the app answered ${status} to ${nameOf(user)}'s click on "${label}"`);
    const reply = await this.waitFor(`the answer to ${nameOf(user)}'s click on "${label}"`, () => mine()[before]?.text);
    if (!expected.test(reply)) throw stopped(`${nameOf(user)} clicked "${label}" and was told: ${short(reply, 300)}`);
    return reply;
  }

  /**
   * `user` clicks the button labelled `label` in the last reply only they see (a private answer to a
   * command), then waits until that reply, replaced by the app, matches `expected`.
   */
  async clickInOwnReply(user: string, label: string, expected: RegExp): Promise<string> {
    const reply = this.store.ephemerals.filter((e) => e.user === user).at(-1);
    if (!reply) throw stopped(`${nameOf(user)} has no reply to click "${label}" in.`);
    const mark = this.ephemeralMark();
    let status: number;
    try {
      status = (await this.ws.people.clickEphemeral(user, reply, label)).status;
    } catch (err) {
      throw stopped(`${nameOf(user)} could not click "${label}": ${(err as Error).message}`);
    }
    if (status !== 200) throw stopped(`the app answered ${status} to ${nameOf(user)}'s click on "${label}"`);
    return this.waitFor(`the answer to ${nameOf(user)}'s click on "${label}"`, () => expected.test(reply.text) && reply.text, () => this.toldSince(user, mark));
  }

  /** Polls until `find` returns something; after the timeout, throws naming `what` (and what `explain` adds, if anything). */
  async waitFor<T>(what: string, find: () => T | undefined | null | false, explain?: () => string | undefined): Promise<T> {
    const until = Date.now() + this.timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== null && found !== false) return found;
      if (Date.now() > until) {
        const why = explain?.();
        throw stopped(`${what} did not appear within ${Math.round(this.timeoutMs / 1000)} s.${why ? ` ${why}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** How many replies only one person sees the workspace holds: a mark for `toldSince`. */
  ephemeralMark(): number {
    return this.store.ephemerals.length;
  }

  /** "The app told Ada: …" for the last reply only `user` saw after `mark`, if any. */
  toldSince(user: string, mark: number): string | undefined {
    const last = this.store.ephemerals.slice(mark).filter((e) => e.user === user).at(-1);
    return last ? `The app told ${nameOf(user)}: ${short(last.text, 300)}` : undefined;
  }

  /** A bot post in the channel (not in a thread) matching `test`. */
  channelPost(test: (m: StoredMessage) => boolean): StoredMessage | undefined {
    return this.store.channelMessages(this.channel).find((m) => m.botId !== undefined && test(m));
  }

  /** The bot's replies in a thread, in order. */
  botReplies(root: StoredMessage): StoredMessage[] {
    return this.store.threadReplies(root.channel, root.ts).filter((m) => m.botId !== undefined);
  }

  /** The message as the workspace shows it now (after the app's updates). */
  fresh(m: StoredMessage): StoredMessage {
    return this.store.find(m.channel, m.ts) ?? m;
  }

  /** A call of the app's HTTP API with the project's token, as CI or a monitoring job makes it; returns the JSON answer. */
  async api(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    if (!this.token) throw stopped('no API token yet (`/mlops token` comes first).');
    const res = await fetch(`${this.ws.appUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON: reported below if the status is an error */
    }
    if (!res.ok) throw stopped(`${method} /api/v1${path} answered ${res.status}: ${short(String(json.message ?? text), 300)}`);
    return json;
  }
}

function short(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockErrors, viewErrors } from './block-limits.js';
import { type Block, type StoredMessage, withBlockIds, WorkspaceStore } from './store.js';

export interface EmulatorOptions {
  port?: number;
  teamId?: string;
  teamName?: string;
  botToken?: string;
  botUserId?: string;
  botId?: string;
}

/**
 * A fault to inject: the next `times` calls of `method` fail this way (then calls succeed again).
 * `afterActing`: Slack did the work (posted, updated) and then answered 500, as happens when its
 * answer is lost on the way back. `delayMs`: the call succeeds, but only after that long.
 */
export type Fault = { method: string; times: number } & ({ status: 500; afterActing?: boolean } | { status: 429; retryAfter: number } | { error: string } | { delayMs: number });

/**
 * Slack having a bad minute: each Web API call fails with probability `rate`, as a 429 (Retry-After
 * `retryAfter` seconds, nothing done), a 500 before acting, or a 500 after acting, in equal shares.
 * `random(method)` draws for a call of that method; a test seeds one stream per method, so what
 * fails does not depend on how calls of different methods interleave.
 */
export interface Flakiness {
  rate: number;
  random: (method: string) => number;
  retryAfter?: number;
  /** Only these methods fail (default: every method). */
  methods?: string[];
}

type Args = Record<string, unknown>;
type Result = Record<string, unknown> & { ok: boolean };
type Handler = (args: Args, req: IncomingMessage) => Result | Promise<Result>;

const id = (prefix: string) => prefix + randomBytes(5).toString('hex').toUpperCase();

// The SDK sends form bodies whose structured arguments (blocks, metadata, view, files) are JSON strings.
function decodeArgs(raw: string, contentType: string | undefined): Args {
  if (contentType?.includes('application/json')) return raw ? (JSON.parse(raw) as Args) : {};
  const args: Args = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    args[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return args;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * Slack's upload URL takes raw bytes or a multipart form (the SDK sends the latter, one part):
 * return the file's bytes either way.
 */
function uploadedBytes(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!boundary) return body;
  const start = body.indexOf('\r\n\r\n', body.indexOf(`--${boundary}`));
  const end = body.indexOf(`\r\n--${boundary}`, start);
  return start < 0 || end < 0 ? body : body.subarray(start + 4, end);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Slack's Web API, played locally: the methods this app calls, with realistic answers, a message
 * store, a call log and fault injection. Used by the tests and by sandbox mode.
 */
export class SlackWebApiEmulator {
  readonly store = new WorkspaceStore();
  readonly teamId: string;
  readonly teamName: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly users = new Map<string, { id: string; name: string; tz: string }>();
  /** Members returned by conversations.members, per channel. */
  readonly channelMembers = new Map<string, string[]>();
  /** Trigger ids issued with interactions, and the person each belongs to (views.open needs one). */
  readonly triggerIds = new Map<string, string>();
  /** response_url targets handed out with commands and interactions. */
  readonly responseUrls = new Map<string, ResponseUrlTarget>();
  private responseUrlSeq = 0;
  private readonly faults: Fault[] = [];
  private flakiness: Flakiness | null = null;
  private server?: Server;
  /** Further routes on the emulator's host (the sandbox page); answers true when it handled the request. */
  private extraRoutes?: ExtraRoutes;
  url = '';

  constructor(opts: EmulatorOptions = {}) {
    this.teamId = opts.teamId ?? 'T0SANDBOX';
    this.teamName = opts.teamName ?? 'Sandbox';
    this.botToken = opts.botToken ?? 'xoxb-sandbox-token';
    this.botUserId = opts.botUserId ?? 'U0MLOPSBOT';
    this.botId = opts.botId ?? 'B0MLOPSBOT';
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(port = 0): Promise<this> {
    // A client that goes away mid-request rejects the body read: end that one request, never the process.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Serves more paths on the emulator's host, ahead of its 404 (the sandbox page uses this). */
  route(handler: ExtraRoutes): void {
    this.extraRoutes = handler;
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.flakiness = null;
  }

  /** Fail calls at random until `flaky(null)`; see `Flakiness`. */
  flaky(f: Flakiness | null): void {
    this.flakiness = f;
  }

  addUser(userId: string, name = userId.toLowerCase(), tz = 'UTC'): void {
    this.users.set(userId, { id: userId, name, tz });
  }

  newTriggerId(userId: string): string {
    const t = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.triggerIds.set(t, userId);
    return t;
  }

  /** A response_url for a reply to `user` in `channel`; with `messageTs` or `ephemeralId` it can also replace or delete that message. */
  newResponseUrl(channel: string, user: string, messageTs?: string, ephemeralId?: string): string {
    const key = `R${++this.responseUrlSeq}`;
    this.responseUrls.set(key, { channel, user, messageTs, ephemeralId });
    return `${this.url}/response/${key}`;
  }

  /** What an app POSTs to a response_url: an ephemeral or in-channel reply, or a replacement of the original. */
  private handleResponseUrl(key: string, body: Buffer): { status: number; json: unknown } {
    const target = this.responseUrls.get(key);
    if (!target) return { status: 404, json: { ok: false, error: 'expired_url' } };
    let msg: { text?: string; blocks?: Block[]; response_type?: string; replace_original?: boolean | string; delete_original?: boolean | string; thread_ts?: string };
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, json: { ok: false, error: 'invalid_json' } };
    }
    const truthy = (v: unknown) => v === true || v === 'true';
    if (msg.blocks) {
      const errors = blockErrors(msg.blocks, 'message');
      if (errors.length) return { status: 400, json: { ok: false, error: 'invalid_blocks', errors } };
    }
    this.store.calls.push({ method: 'response_url', args: msg as Args, ok: true, status: 200 });
    const original = target.messageTs ? this.store.find(target.channel, target.messageTs) : undefined;
    const ephemeral = target.ephemeralId ? this.store.ephemerals.find((e) => e.id === target.ephemeralId) : undefined;
    if (ephemeral && (truthy(msg.delete_original) || truthy(msg.replace_original))) {
      // A click in an ephemeral message: Slack replaces (or removes) that ephemeral, for that person only.
      if (truthy(msg.delete_original)) this.store.ephemerals.splice(this.store.ephemerals.indexOf(ephemeral), 1);
      else Object.assign(ephemeral, { text: msg.text ?? ephemeral.text, blocks: withBlockIds(msg.blocks) ?? ephemeral.blocks });
    } else if (truthy(msg.delete_original) && original) {
      this.store.messages.splice(this.store.messages.indexOf(original), 1);
    } else if (truthy(msg.replace_original) && original) {
      original.text = msg.text ?? original.text;
      original.blocks = withBlockIds(msg.blocks) ?? original.blocks;
      original.edited = true;
    } else if (msg.response_type === 'in_channel') {
      this.addMessage({ channel: target.channel, threadTs: msg.thread_ts, botId: this.botId, user: this.botUserId, text: msg.text ?? '', blocks: msg.blocks });
    } else {
      this.store.addEphemeral({ channel: target.channel, user: target.user, text: msg.text ?? '', blocks: msg.blocks, via: 'response_url', threadTs: msg.thread_ts });
    }
    this.store.changed();
    return { status: 200, json: { ok: true } };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (path.startsWith('/upload/')) {
      const fileId = path.slice('/upload/'.length);
      const file = this.store.files.get(fileId);
      if (!file) return send(404, { ok: false });
      file.bytes = uploadedBytes(body, req.headers['content-type']);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${body.length}`);
      return;
    }
    if (path.startsWith('/response/')) {
      const out = this.handleResponseUrl(path.slice('/response/'.length), body);
      return send(out.status, out.json);
    }
    if (!path.startsWith('/api/')) {
      try {
        if (this.extraRoutes && (await this.extraRoutes(req, res, body, path))) return;
      } catch (err) {
        if (!res.headersSent) send(500, { ok: false, error: (err as Error).message });
        return;
      }
      return send(404, { ok: false, error: 'unknown_path' });
    }
    const method = path.slice('/api/'.length);
    let args: Args;
    try {
      args = decodeArgs(body.toString('utf8'), req.headers['content-type']);
    } catch {
      return send(200, { ok: false, error: 'invalid_json' });
    }
    const record = (status: number, result: Result) => {
      this.store.calls.push({ method, args, ok: result.ok, error: result.ok ? undefined : String(result.error), status });
    };
    const faultIndex = this.faults.findIndex((f) => f.method === method && f.times > 0);
    let fault: Fault | undefined;
    if (faultIndex >= 0) {
      fault = this.faults[faultIndex]!;
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(faultIndex, 1);
    } else if (this.flakiness && (!this.flakiness.methods || this.flakiness.methods.includes(method)) && this.flakiness.random(method) < this.flakiness.rate) {
      const kind = Math.floor(this.flakiness.random(method) * 3);
      fault = kind === 0 ? { method, times: 1, status: 429, retryAfter: this.flakiness.retryAfter ?? 1 } : { method, times: 1, status: 500, afterActing: kind === 2 };
    }
    let afterActing = false;
    if (fault) {
      if ('delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
      else if ('error' in fault) {
        record(200, { ok: false, error: fault.error });
        return send(200, { ok: false, error: fault.error });
      } else if (fault.status === 429) {
        record(429, { ok: false, error: 'ratelimited' });
        return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter) });
      } else if (fault.afterActing) afterActing = true;
      else {
        record(500, { ok: false, error: 'internal_error' });
        return send(500, { ok: false, error: 'internal_error' });
      }
    }
    const token = str(req.headers.authorization?.replace(/^Bearer /, '')) ?? str(args.token);
    // The OAuth token exchange authenticates with the app's client credentials, not a token.
    if (method === 'oauth.v2.access') {
      const result = this.oauthAccess(args, req);
      record(200, result);
      return send(200, result);
    }
    if (token !== this.botToken) {
      const result = { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
      record(200, result);
      return send(200, result);
    }
    const handler = this.handlers[method];
    const result: Result = handler ? await handler(args, req) : { ok: false, error: 'unknown_method' };
    if (afterActing) {
      // The work is done; only the answer is lost.
      record(500, { ok: false, error: 'internal_error' });
      return send(500, { ok: false, error: 'internal_error' });
    }
    record(200, result);
    send(200, result);
    this.store.changed();
  }

  /** OAuth codes this emulated workspace will accept at oauth.v2.access (see `authorize`). */
  readonly oauthCodes = new Map<string, { clientId: string }>();
  /** Client credentials the emulated Slack knows, for oauth.v2.access. */
  oauthClient?: { clientId: string; clientSecret: string };

  /** What Slack does when a person approves the install: a one-time code for the redirect. */
  issueOauthCode(clientId: string): string {
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.oauthCodes.set(code, { clientId });
    return code;
  }

  private oauthAccess(args: Args, req: IncomingMessage): Result {
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString('utf8').split(':') : [];
    const clientId = str(args.client_id) ?? basic[0];
    const clientSecret = str(args.client_secret) ?? basic[1];
    if (!this.oauthClient || clientId !== this.oauthClient.clientId || clientSecret !== this.oauthClient.clientSecret) return { ok: false, error: 'invalid_client_id' };
    const code = str(args.code);
    if (!code || !this.oauthCodes.delete(code)) return { ok: false, error: 'invalid_code' };
    return {
      ok: true,
      app_id: 'A0MLOPS',
      authed_user: { id: 'U0INSTALLER' },
      scope: 'commands,chat:write',
      token_type: 'bot',
      access_token: this.botToken,
      bot_user_id: this.botUserId,
      team: { id: this.teamId, name: this.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  private requireChannel(args: Args, key = 'channel'): string | Result {
    const channel = str(args[key]);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!/^[CDG][A-Z0-9]+$/.test(channel)) return { ok: false, error: 'channel_not_found' };
    return channel;
  }

  private messageOut(m: StoredMessage): Record<string, unknown> {
    return {
      type: 'message',
      ts: m.ts,
      thread_ts: m.threadTs,
      user: m.user,
      bot_id: m.botId,
      text: m.text,
      blocks: m.blocks,
      metadata: m.metadata,
      files: m.files?.map((f) => ({ id: f.id, name: f.filename, title: f.title })),
      reply_count: m.threadTs === m.ts || !m.threadTs ? this.store.threadReplies(m.channel, m.ts).length || undefined : undefined,
    };
  }

  /** Adds a message as the bot (or a person) and returns it; also used by the person-side client. */
  addMessage(m: Omit<StoredMessage, 'ts'> & { ts?: string }): StoredMessage {
    const msg: StoredMessage = { ...m, blocks: withBlockIds(m.blocks), ts: m.ts ?? this.store.nextTs() };
    this.store.messages.push(msg);
    this.store.changed();
    return msg;
  }

  private readonly handlers: Record<string, Handler> = {
    'auth.test': () => ({ ok: true, url: `https://${this.teamName.toLowerCase()}.slack.com/`, team: this.teamName, user: 'mlops', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false }),
    'chat.postMessage': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const text = str(args.text) ?? '';
      const blocks = args.blocks as Block[] | undefined;
      if (!text && !blocks?.length) return { ok: false, error: 'no_text' };
      if (text.length > 40_000) return { ok: false, error: 'msg_too_long' };
      if (blocks) {
        const errors = blockErrors(blocks, 'message');
        if (errors.length) return { ok: false, error: 'invalid_blocks', errors };
      }
      const threadTs = str(args.thread_ts);
      if (threadTs && !this.store.find(channel, threadTs)) return { ok: false, error: 'thread_not_found' };
      const msg = this.addMessage({ channel, threadTs, botId: this.botId, user: this.botUserId, text, blocks, metadata: args.metadata as StoredMessage['metadata'] });
      return { ok: true, channel, ts: msg.ts, message: this.messageOut(msg) };
    },
    'chat.update': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const msg = this.store.find(channel, String(args.ts ?? ''));
      if (!msg) return { ok: false, error: 'message_not_found' };
      if (msg.botId !== this.botId) return { ok: false, error: 'cant_update_message' };
      const blocks = args.blocks as Block[] | undefined;
      if (blocks) {
        const errors = blockErrors(blocks, 'message');
        if (errors.length) return { ok: false, error: 'invalid_blocks', errors };
        msg.blocks = withBlockIds(blocks);
      }
      if (typeof args.text === 'string') msg.text = args.text;
      if (args.metadata) msg.metadata = args.metadata as StoredMessage['metadata'];
      msg.edited = true;
      return { ok: true, channel, ts: msg.ts, text: msg.text, message: this.messageOut(msg) };
    },
    'chat.postEphemeral': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const user = str(args.user);
      if (!user) return { ok: false, error: 'user_not_in_channel' };
      const blocks = args.blocks as Block[] | undefined;
      if (blocks) {
        const errors = blockErrors(blocks, 'message');
        if (errors.length) return { ok: false, error: 'invalid_blocks', errors };
      }
      const shown = this.store.addEphemeral({ channel, user, text: str(args.text) ?? '', blocks, via: 'chat.postEphemeral', threadTs: str(args.thread_ts) });
      return { ok: true, message_ts: shown.ts };
    },
    'views.open': (args) => {
      const trigger = str(args.trigger_id);
      const userId = trigger ? this.triggerIds.get(trigger) : undefined;
      if (!trigger || userId === undefined) return { ok: false, error: 'invalid_trigger_id' };
      this.triggerIds.delete(trigger);
      const view = args.view as StoredViewInput;
      const errors = viewErrors(view ?? {});
      if (!view || errors.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors } };
      const viewId = id('V');
      withBlockIds(view.blocks);
      const hash = newViewHash();
      this.store.views.set(viewId, { id: viewId, userId, view, open: true, hash });
      return { ok: true, view: { ...view, id: viewId, hash } };
    },
    'views.update': (args) => {
      const viewId = str(args.view_id);
      const stored = viewId ? this.store.views.get(viewId) : undefined;
      if (!stored) return { ok: false, error: 'not_found' };
      // The hash guards against a race: an update made from an older copy of the view is refused.
      const hash = str(args.hash);
      if (hash !== undefined && stored.hash !== undefined && hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
      const view = args.view as StoredViewInput;
      const errors = viewErrors(view ?? {});
      if (errors.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors } };
      withBlockIds(view.blocks);
      stored.view = view;
      stored.hash = newViewHash();
      this.store.changed();
      return { ok: true, view: { ...view, id: stored.id, hash: stored.hash } };
    },
    'views.publish': (args) => {
      const user = str(args.user_id);
      const view = args.view as StoredViewInput;
      if (!user) return { ok: false, error: 'invalid_arguments' };
      const errors = viewErrors(view ?? {});
      if (errors.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors } };
      // One Home view per person, keeping its id across publishes as Slack does.
      const viewId = this.store.homeViews.get(user)?.id ?? id('V');
      withBlockIds(view.blocks);
      this.store.homeViews.set(user, { ...view, id: viewId });
      return { ok: true, view: { ...view, id: viewId } };
    },
    'chat.getPermalink': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const ts = str(args.message_ts) ?? '';
      if (!this.store.find(channel, ts)) return { ok: false, error: 'message_not_found' };
      // Slack's shape (archives/<channel>/p<ts without the dot>), on the emulator's own host: the sandbox page opens it.
      return { ok: true, channel, permalink: `${this.url}/archives/${channel}/p${ts.replace('.', '')}` };
    },
    'users.info': (args) => {
      const user = str(args.user);
      if (!user || !/^[UW][A-Z0-9]{2,}$/.test(user)) return { ok: false, error: 'user_not_found' };
      const u = this.users.get(user) ?? { id: user, name: user.toLowerCase(), tz: 'UTC' };
      return { ok: true, user: { id: u.id, team_id: this.teamId, name: u.name, real_name: u.name, tz: u.tz, is_bot: false, deleted: false, profile: { display_name: u.name, real_name: u.name } } };
    },
    'conversations.info': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      return { ok: true, channel: { id: channel, name: channel.toLowerCase(), is_channel: channel.startsWith('C'), is_im: channel.startsWith('D'), is_member: true } };
    },
    'conversations.members': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      return { ok: true, members: this.channelMembers.get(channel) ?? [], response_metadata: { next_cursor: '' } };
    },
    'conversations.join': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      return { ok: true, channel: { id: channel } };
    },
    'conversations.open': (args) => {
      const users = String(args.users ?? '').split(',').filter(Boolean);
      if (users.length !== 1) return { ok: false, error: 'not_found' };
      return { ok: true, channel: { id: `D${users[0]!.slice(1)}` } };
    },
    'conversations.history': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const limit = Number(args.limit ?? 100);
      const oldest = Number(args.oldest ?? 0);
      const msgs = this.store.channelMessages(channel).filter((m) => Number(m.ts) > oldest);
      return { ok: true, messages: msgs.slice(-limit).reverse().map((m) => this.messageOut(m)), has_more: false };
    },
    'conversations.replies': (args) => {
      const channel = this.requireChannel(args);
      if (typeof channel !== 'string') return channel;
      const root = this.store.find(channel, String(args.ts ?? ''));
      if (!root) return { ok: false, error: 'thread_not_found' };
      return { ok: true, messages: [root, ...this.store.threadReplies(channel, root.ts)].map((m) => this.messageOut(m)), has_more: false };
    },
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(args.length);
      if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
      const fileId = id('F');
      this.store.files.set(fileId, { id: fileId, filename });
      return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (args) => {
      const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
      const stored = files.map((f) => this.store.files.get(f.id));
      if (!files.length || stored.some((f) => !f?.bytes)) return { ok: false, error: 'file_not_found' };
      stored.forEach((f, i) => (f!.title = files[i]!.title));
      const channel = str(args.channel_id);
      if (channel) {
        const threadTs = str(args.thread_ts);
        if (threadTs && !this.store.find(channel, threadTs)) return { ok: false, error: 'thread_not_found' };
        this.addMessage({ channel, threadTs, botId: this.botId, user: this.botUserId, text: str(args.initial_comment) ?? '', files: stored as never });
      }
      return { ok: true, files: stored.map((f) => ({ id: f!.id, name: f!.filename, title: f!.title })) };
    },
  };
}

type StoredViewInput = Record<string, unknown> & { blocks?: Block[] };

const newViewHash = () => `${Date.now()}.${randomBytes(4).toString('hex')}`;

export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, body: Buffer, path: string) => boolean | Promise<boolean>;

/** Where a response_url's replies go: to `user` in `channel`, replacing the message or ephemeral it came from when asked. */
interface ResponseUrlTarget {
  channel: string;
  user: string;
  messageTs?: string;
  ephemeralId?: string;
}

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SPEC_KEYWORD, readTextChunk } from '../../charts/png-text.js';
import type { SlackPeople } from '../emulator/person.js';
import type { SlackWebApiEmulator } from '../emulator/web-api.js';
import { SANDBOX_CHANNELS, SANDBOX_PEOPLE } from '../roster.js';
import { workspaceAs } from './workspace-view.js';

/**
 * The sandbox page: a Slack-like workspace in the browser, served on the emulator's host. What a
 * person does on it becomes the same signed request Slack would send (through SlackPeople), and what
 * they see is the emulator's store — so the page shows exactly what Slack users get.
 *
 * Routes: `/` the page; `/static/…` its modules and styles; `/vendor/…` preact and htm from
 * node_modules (no bundler: the browser loads them through an import map), and Vega's browser
 * bundles; `/files/<id>` uploaded files (the charts), `/files/<id>/spec.json` the Vega-Lite spec a
 * chart's PNG carries; `/archives/<channel>/p<ts>` permalinks; `/sandbox/state` what one person sees;
 * `/sandbox/events` server-sent "something changed"; POST `/sandbox/…` what a person does.
 */
export interface SandboxPageOptions {
  api: SlackWebApiEmulator;
  people: SlackPeople;
  /** "Load example": builds a realistic project through the same doors (absent: the button says so). */
  loadExample?: () => Promise<{ slug: string; channel: string }>;
}

// Static files live beside the TypeScript sources, and are served from there in both `tsx` (src/)
// and built (dist/) runs: from either, three levels up is the package root.
const STATIC_DIR = fileURLToPath(new URL('../../../src/sandbox/page/static/', import.meta.url));
const STATIC_FILES: Record<string, string> = {
  'app.js': 'text/javascript',
  'views.js': 'text/javascript',
  'chart.js': 'text/javascript',
  'blocks.js': 'text/javascript',
  'mrkdwn.js': 'text/javascript',
  'app.css': 'text/css',
  'blocks.css': 'text/css',
};
/** Served from node_modules: the module's entry point, or `file` beside it (Vega's prebuilt browser bundles). */
const VENDOR: Record<string, { module: string; file?: string }> = {
  'preact.mjs': { module: 'preact' },
  'hooks.mjs': { module: 'preact/hooks' },
  'htm.mjs': { module: 'htm' },
  // Classic scripts (UMD: they set window.vega and window.vegaLite), loaded by chart.js when a chart needs them.
  'vega.min.js': { module: 'vega', file: 'vega.min.js' },
  'vega-lite.min.js': { module: 'vega-lite', file: 'vega-lite.min.js' },
};

const Person = z.string().refine((id) => SANDBOX_PEOPLE.some((p) => p.id === id), 'not a person of this workspace');
const Channel = z.string().regex(/^[CDG][A-Z0-9]{2,}$/, 'not a channel id');
const Ts = z.string().regex(/^\d+\.\d{6}$/, 'not a message timestamp');

const Say = z.strictObject({ as: Person, channel: Channel, text: z.string().trim().min(1, 'type something first').max(40_000), threadTs: Ts.optional() });
const Surface = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('message'), channel: Channel, ts: Ts }),
  z.strictObject({ kind: z.literal('ephemeral'), id: z.string().min(1) }),
  z.strictObject({ kind: z.literal('home') }),
  z.strictObject({ kind: z.literal('modal'), viewId: z.string().min(1) }),
]);
const Act = z.strictObject({ as: Person, surface: Surface, blockId: z.string(), actionId: z.string().min(1), selectedValue: z.string().optional() });
const ViewValue = z.union([z.string(), z.array(z.string()), z.null()]);
const Submit = z.strictObject({ as: Person, viewId: z.string().min(1), values: z.record(z.string(), z.record(z.string(), ViewValue)) });
const Close = z.strictObject({ as: Person, viewId: z.string().min(1) });
const OpenHome = z.strictObject({ as: Person });
const Shortcut = z.strictObject({ as: Person, callbackId: z.string().regex(/^[\w.-]{1,100}$/, 'not a callback id') });

/** Sets the workspace's people and channel members up in the emulator, then serves the page on its host. */
export function serveSandboxPage(opts: SandboxPageOptions): void {
  const { api } = opts;
  for (const p of SANDBOX_PEOPLE) api.addUser(p.id, p.name, p.tz);
  for (const c of SANDBOX_CHANNELS) api.channelMembers.set(c.id, [...SANDBOX_PEOPLE.map((p) => p.id), api.botUserId]);
  api.route((req, res, body, path) => route(opts, req, res, body, path));
}

async function route(opts: SandboxPageOptions, req: IncomingMessage, res: ServerResponse, body: Buffer, path: string): Promise<boolean> {
  const { api, people } = opts;
  if (req.method === 'GET') {
    if (path === '/' || path === '/index.html') return sendFile(res, 'index.html', 'text/html; charset=utf-8');
    if (path.startsWith('/static/')) {
      const name = path.slice('/static/'.length);
      return Object.hasOwn(STATIC_FILES, name) ? sendFile(res, name, `${STATIC_FILES[name]}; charset=utf-8`) : false;
    }
    if (path.startsWith('/vendor/')) {
      const name = path.slice('/vendor/'.length);
      if (!Object.hasOwn(VENDOR, name)) return false;
      const { module, file } = VENDOR[name]!;
      const entry = import.meta.resolve(module);
      send(res, 200, 'text/javascript; charset=utf-8', await readFile(fileURLToPath(file ? new URL(file, entry) : entry)), { 'cache-control': 'max-age=3600' });
      return true;
    }
    const chartSpec = /^\/files\/([A-Z0-9]+)\/spec\.json$/.exec(path);
    if (chartSpec) {
      // The Vega-Lite spec a chart carries in its PNG (src/charts/png-text.ts), for the page to draw it interactively.
      const bytes = api.store.files.get(chartSpec[1]!)?.bytes;
      const spec = bytes && readTextChunk(bytes, SPEC_KEYWORD);
      if (!spec) return false;
      send(res, 200, 'application/json; charset=utf-8', spec, { 'cache-control': 'max-age=3600' });
      return true;
    }
    if (path.startsWith('/files/')) {
      const file = api.store.files.get(path.slice('/files/'.length));
      if (!file?.bytes) return false;
      send(res, 200, contentTypeOf(file.filename), file.bytes, { 'cache-control': 'max-age=3600' });
      return true;
    }
    const permalink = /^\/archives\/([CDG][A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(path);
    if (permalink) {
      res.writeHead(302, { location: `/#${permalink[1]}/${permalink[2]}.${permalink[3]}` });
      res.end();
      return true;
    }
    if (path === '/sandbox/state') {
      const as = Person.safeParse(new URL(req.url ?? '/', 'http://x').searchParams.get('as'));
      if (!as.success) return refuse(res, 400, 'as: pick a person of this workspace');
      sendJson(res, 200, workspaceAs(api, as.data));
      return true;
    }
    if (path === '/sandbox/events') return streamChanges(api, res);
    return false;
  }
  if (req.method !== 'POST' || !path.startsWith('/sandbox/')) return false;
  // Only the page itself may act: a JSON body (another site's form or simple request cannot send
  // one without the browser asking first) from this page's own origin, if the browser says one.
  if (!req.headers['content-type']?.startsWith('application/json')) return refuse(res, 415, 'send JSON (content-type: application/json)');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== api.url && origin !== api.url.replace('127.0.0.1', 'localhost')) return refuse(res, 403, 'requests from another site are refused');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(res, 400, 'the body is not JSON');
  }
  const invalid = (e: z.ZodError) => refuse(res, 400, e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  switch (path) {
    case '/sandbox/say': {
      const p = Say.safeParse(json);
      if (!p.success) return invalid(p.error);
      const { as, channel, text, threadTs } = p.data;
      // As in Slack, a line starting with /mlops is the slash command (in a thread too: Slack sends
      // the command with the channel; the reply goes to the channel, not the thread).
      const command = /^\/mlops(?:\s+([\s\S]*))?$/.exec(text);
      const delivery = command ? await people.command(as, channel, command[1]?.trim() ?? '') : await people.say(as, channel, text, threadTs);
      return answered(res, delivery.status);
    }
    case '/sandbox/act': {
      const p = Act.safeParse(json);
      if (!p.success) return invalid(p.error);
      const { as, surface, blockId, actionId, selectedValue } = p.data;
      const where = surfaceOf(api, as, surface);
      if (!where) return refuse(res, 404, 'that message or view is gone');
      let delivery;
      try {
        delivery = await people.act(as, where, { blockId, actionId, selectedValue });
      } catch (err) {
        // No such element on that message or view (people.act names what it looked for).
        return refuse(res, 404, (err as Error).message);
      }
      return answered(res, delivery.status);
    }
    case '/sandbox/submit': {
      const p = Submit.safeParse(json);
      if (!p.success) return invalid(p.error);
      const view = api.store.views.get(p.data.viewId);
      if (!view?.open || view.userId !== p.data.as) return refuse(res, 404, 'that modal is closed');
      const delivery = await people.submitView(p.data.as, p.data.viewId, p.data.values);
      const ack = delivery.body as { response_action?: string; errors?: Record<string, string> } | undefined;
      if (delivery.status !== 200) return answered(res, delivery.status);
      sendJson(res, 200, { ok: true, errors: ack?.response_action === 'errors' ? (ack.errors ?? {}) : undefined });
      return true;
    }
    case '/sandbox/close': {
      const p = Close.safeParse(json);
      if (!p.success) return invalid(p.error);
      const view = api.store.views.get(p.data.viewId);
      if (view && view.userId === p.data.as) view.open = false;
      api.store.changed();
      sendJson(res, 200, { ok: true });
      return true;
    }
    case '/sandbox/shortcut': {
      // The ⚡ menu: a global shortcut, as Slack sends it; the app answers by opening a modal.
      const p = Shortcut.safeParse(json);
      if (!p.success) return invalid(p.error);
      return answered(res, (await people.shortcut(p.data.as, p.data.callbackId)).status);
    }
    case '/sandbox/home': {
      const p = OpenHome.safeParse(json);
      if (!p.success) return invalid(p.error);
      return answered(res, (await people.openHome(p.data.as)).status);
    }
    case '/sandbox/example': {
      if (!opts.loadExample) return refuse(res, 400, 'example data is not available here');
      try {
        sendJson(res, 200, { ok: true, ...(await opts.loadExample()) });
      } catch (err) {
        sendJson(res, 502, { ok: false, error: `Loading the example stopped: ${(err as Error).message}` });
      }
      return true;
    }
    default:
      return false;
  }
}

/** Finds what a click refers to, as this person sees it: their own ephemerals and modals only. */
function surfaceOf(api: SlackWebApiEmulator, as: string, s: z.infer<typeof Surface>): Parameters<SlackPeople['act']>[1] | undefined {
  switch (s.kind) {
    case 'message': {
      const message = api.store.find(s.channel, s.ts);
      return message && { kind: 'message', message };
    }
    case 'ephemeral': {
      const ephemeral = api.store.ephemerals.find((e) => e.id === s.id && e.user === as);
      return ephemeral && { kind: 'ephemeral', ephemeral };
    }
    case 'home':
      return api.store.homeViews.has(as) ? { kind: 'home' } : undefined;
    case 'modal': {
      const view = api.store.views.get(s.viewId);
      return view?.open && view.userId === as ? { kind: 'modal', viewId: s.viewId } : undefined;
    }
  }
}

/**
 * Server-sent events: one `changed` event (with the store's version) shortly after anything
 * changed, so a burst of posts is one refresh; a comment every 15 s keeps proxies from closing it.
 */
function streamChanges(api: SlackWebApiEmulator, res: ServerResponse): true {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(`event: changed\ndata: ${api.store.version}\n\n`);
  let pending: NodeJS.Timeout | undefined;
  const unsubscribe = api.store.subscribe(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      res.write(`event: changed\ndata: ${api.store.version}\n\n`);
    }, 50);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  // The response's close, not the request's: the emulator has read the request's (empty) body
  // before routing, and on Node 20 the request reports `close` right then.
  res.on('close', () => {
    unsubscribe();
    clearInterval(keepAlive);
    clearTimeout(pending);
  });
  return true;
}

async function sendFile(res: ServerResponse, name: string, type: string): Promise<true> {
  send(res, 200, type, await readFile(STATIC_DIR + name), { 'cache-control': 'no-cache' });
  return true;
}

function contentTypeOf(filename: string): string {
  if (filename.endsWith('.png')) return 'image/png';
  if (filename.endsWith('.svg')) return 'image/svg+xml';
  return 'application/octet-stream';
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, json: unknown): void {
  send(res, status, 'application/json', JSON.stringify(json));
}

/** A refusal the page shows as it is: the status says which kind (400 bad input, 403, 404, 415). */
function refuse(res: ServerResponse, status: 400 | 403 | 404 | 415, error: string): true {
  sendJson(res, status, { ok: false, error });
  return true;
}

/** The app's answer to the signed request: 200 is Slack's "delivered"; anything else the page shows. */
function answered(res: ServerResponse, status: number): true {
  if (status === 200) sendJson(res, 200, { ok: true });
  else sendJson(res, 502, { ok: false, error: `the app answered HTTP ${status}` });
  return true;
}

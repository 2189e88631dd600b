import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../slack/signing.js';
import { type Block, type EphemeralMessage, type StoredMessage, withBlockIds } from './store.js';
import type { SlackWebApiEmulator } from './web-api.js';

export interface DeliveryOptions {
  /** Slack's retry headers, as sent on a redelivery. */
  retryNum?: number;
  retryReason?: string;
  /** Override the request timestamp (seconds), e.g. to send a stale request. */
  timestamp?: number;
  /** Sign with another secret (a forged request). */
  signingSecret?: string;
  /** Reuse an event id (a redelivery of the same event). */
  eventId?: string;
  /** Reuse a trigger id (a redelivery of the same interaction). */
  triggerId?: string;
}

export interface Delivery {
  status: number;
  /** The HTTP response body, parsed as JSON when it is JSON (the ack payload), else the raw text. */
  body: unknown;
  eventId?: string;
  triggerId?: string;
}

/** Where a person clicked: a channel or thread message, an ephemeral one, their App Home, or an open modal. */
export type Surface = { kind: 'message'; message: StoredMessage } | { kind: 'ephemeral'; ephemeral: EphemeralMessage } | { kind: 'home' } | { kind: 'modal'; viewId: string };

/** The element clicked: its block and action ids, and for a select or overflow the option chosen. */
export interface ActionTarget {
  blockId: string;
  actionId: string;
  /** The option picked (a select, an overflow) or the text entered (an input that dispatches its changes). */
  selectedValue?: string;
  /** In a modal: what the person has entered so far, as for submitView (the rest keep their initial values). */
  values?: ViewValues;
}

/** Values for a modal submission: block_id → action_id → the value as a person would enter it. */
export type ViewValues = Record<string, Record<string, string | string[] | null>>;

/**
 * The person side of the emulated workspace: delivers what someone does in Slack (slash commands,
 * button clicks, modal submissions, messages, opening App Home) to the app's /slack/events exactly as
 * Slack does — form or JSON bodies, v0 signature, timestamp and retry headers.
 */
/** The form body Slack POSTs for `/mlops <text>` (the test harness and the benchmarks send it too). */
export function slashCommandForm(c: { teamId: string; teamDomain: string; channel: string; user: string; text: string; responseUrl: string; triggerId: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: c.teamId,
    team_domain: c.teamDomain,
    channel_id: c.channel,
    channel_name: c.channel.toLowerCase(),
    user_id: c.user,
    user_name: c.user.toLowerCase(),
    command: '/mlops',
    text: c.text,
    api_app_id: 'A0MLOPS',
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  }).toString();
}

export class SlackPeople {
  constructor(
    private readonly api: SlackWebApiEmulator,
    private appUrl: string,
    private signingSecret: string,
    /** Where request timestamps come from: Slack stamps with its own clock, tests with theirs. */
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {}

  connect(appUrl: string, signingSecret: string): void {
    this.appUrl = appUrl;
    this.signingSecret = signingSecret;
  }

  /** A slash command; the ack's text is stored as the ephemeral reply the person sees. */
  async command(user: string, channel: string, text: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const triggerId = opts.triggerId ?? this.api.newTriggerId(user);
    const form = slashCommandForm({ teamId: this.api.teamId, teamDomain: this.api.teamName.toLowerCase(), channel, user, text, responseUrl: this.newResponseUrl(channel, user), triggerId });
    const res = await this.send(form, 'application/x-www-form-urlencoded', opts);
    const body = res.body as { text?: string; blocks?: Block[]; response_type?: string } | undefined;
    if (res.status === 200 && body && typeof body === 'object' && (body.text || body.blocks)) {
      if (body.response_type === 'in_channel') {
        this.api.addMessage({ channel, botId: this.api.botId, user: this.api.botUserId, text: body.text ?? '', blocks: body.blocks });
      } else {
        this.api.store.addEphemeral({ channel, user, text: body.text ?? '', blocks: body.blocks, via: 'ack' });
      }
    }
    this.api.store.changed();
    return { ...res, triggerId };
  }

  /**
   * A global shortcut (the ⚡ menu): Slack sends a `shortcut` payload with a trigger id and no
   * channel; the app answers by opening a modal with the trigger.
   */
  async shortcut(user: string, callbackId: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const triggerId = opts.triggerId ?? this.api.newTriggerId(user);
    const payload = {
      type: 'shortcut',
      team: { id: this.api.teamId, domain: this.api.teamName.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), team_id: this.api.teamId },
      api_app_id: 'A0MLOPS',
      token: 'legacy-verification-token',
      is_enterprise_install: false,
      enterprise: null,
      callback_id: callbackId,
      trigger_id: triggerId,
      action_ts: `${this.clock.now().getTime() / 1000}`,
    };
    const res = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
    this.api.store.changed();
    return { ...res, triggerId };
  }

  /** Clicks the button with this exact label in a message (channel or thread) or an open modal. */
  async click(user: string, message: StoredMessage, label: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const { button, blockId } = findButton(message.blocks ?? [], label);
    return this.act(user, { kind: 'message', message }, { blockId, actionId: String(button.action_id ?? '') }, opts);
  }

  /** Clicks the button with this exact label in an ephemeral message (one only this person sees). */
  async clickEphemeral(user: string, ephemeral: EphemeralMessage, label: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const { button, blockId } = findButton(ephemeral.blocks ?? [], label);
    return this.act(user, { kind: 'ephemeral', ephemeral }, { blockId, actionId: String(button.action_id ?? '') }, opts);
  }

  /** Clicks the button with this exact label in the person's App Home (the first, if several carry it). */
  async clickInHome(user: string, label: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const home = this.api.store.homeViews.get(user) as { blocks?: Block[] } | undefined;
    const { button, blockId } = findButton(home?.blocks ?? [], label);
    return this.act(user, { kind: 'home' }, { blockId, actionId: String(button.action_id ?? '') }, opts);
  }

  /**
   * What Slack sends when a person clicks a button (or picks an option) on any surface: a
   * `block_actions` payload whose container, channel, message, view and response_url are those
   * Slack gives for that surface (a Home or modal click carries the view and no response_url).
   */
  async act(user: string, surface: Surface, target: ActionTarget, opts: DeliveryOptions = {}): Promise<Delivery> {
    const blocks = surfaceBlocks(this.api, user, surface);
    const element = findElement(blocks, target);
    const triggerId = opts.triggerId ?? this.api.newTriggerId(user);
    const action: Record<string, unknown> = { type: element.type, action_id: target.actionId, block_id: target.blockId, action_ts: `${Date.now() / 1000}` };
    if (element.type === 'button') Object.assign(action, { text: element.text, value: element.value, style: element.style });
    else if (element.options !== undefined || element.type === 'overflow') {
      const options = (element.options as { value: string }[] | undefined) ?? [];
      const chosen = options.find((o) => o.value === target.selectedValue);
      if (!chosen) throw new Error(`no option "${target.selectedValue}" in ${target.actionId}`);
      action.selected_option = chosen;
    } else Object.assign(action, elementState(element, target.selectedValue ?? null));
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      team: { id: this.api.teamId, domain: this.api.teamName.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.api.teamId },
      api_app_id: 'A0MLOPS',
      token: 'legacy-verification-token',
      trigger_id: triggerId,
      state: { values: {} },
      actions: [action],
      ...surfacePayload(this.api, user, surface, target),
    };
    const res = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
    return { ...res, triggerId };
  }

  /** Submits an open modal with the given values; the response carries `response_action: 'errors'` when refused. */
  async submitView(user: string, viewId: string, values: ViewValues, opts: DeliveryOptions = {}): Promise<Delivery> {
    const stored = this.api.store.views.get(viewId);
    if (!stored) throw new Error(`no view ${viewId}`);
    const state = viewState(stored.view.blocks ?? [], values);
    const payload = {
      type: 'view_submission',
      team: { id: this.api.teamId, domain: this.api.teamName.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.api.teamId },
      api_app_id: 'A0MLOPS',
      token: 'legacy-verification-token',
      trigger_id: opts.triggerId ?? this.api.newTriggerId(user),
      view: { ...stored.view, id: viewId, state: { values: state }, hash: stored.hash ?? randomBytes(4).toString('hex') },
    };
    const res = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
    const body = res.body as { response_action?: string; view?: Record<string, unknown> } | undefined;
    // `update` replaces the modal's view in place (Slack keeps it open); `errors` keeps it as it was.
    if (res.status === 200 && body?.response_action === 'update' && body.view) {
      withBlockIds(body.view.blocks as Block[] | undefined);
      stored.view = body.view;
      stored.hash = randomBytes(4).toString('hex');
    } else if (res.status === 200 && body?.response_action !== 'errors') stored.open = false;
    this.api.store.changed();
    return res;
  }

  /** A message typed by a person (in a thread when `threadTs` is given), delivered as an Events API callback. */
  async say(user: string, channel: string, text: string, threadTs?: string, opts: DeliveryOptions = {}): Promise<Delivery & { message: StoredMessage }> {
    const message = this.api.addMessage({ channel, threadTs, user, text });
    const res = await this.event({ type: 'message', channel, user, text, ts: message.ts, thread_ts: threadTs, channel_type: channel.startsWith('D') ? 'im' : 'channel', event_ts: message.ts }, opts);
    return { ...res, message };
  }

  async openHome(user: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    return this.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: `${Date.now() / 1000}` }, opts);
  }

  /** Any Events API callback. */
  async event(event: Record<string, unknown>, opts: DeliveryOptions = {}): Promise<Delivery> {
    const eventId = opts.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    const body = {
      token: 'legacy-verification-token',
      team_id: this.api.teamId,
      api_app_id: 'A0MLOPS',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.api.teamId, user_id: this.api.botUserId, is_bot: true, is_enterprise_install: false }],
    };
    const res = await this.send(JSON.stringify(body), 'application/json', opts);
    return { ...res, eventId };
  }

  /** Raw delivery of a body, signed (or forged) as options say. */
  async send(rawBody: string, contentType: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const timestamp = opts.timestamp ?? Math.floor(this.clock.now().getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.signingSecret ?? this.signingSecret, timestamp, rawBody),
    };
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    const res = await fetch(`${this.appUrl}/slack/events`, { method: 'POST', headers, body: rawBody });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body };
  }

  private newResponseUrl(channel: string, user: string, messageTs?: string): string {
    return this.api.newResponseUrl(channel, user, messageTs);
  }
}

function surfaceBlocks(api: SlackWebApiEmulator, user: string, surface: Surface): Block[] {
  switch (surface.kind) {
    case 'message':
      return surface.message.blocks ?? [];
    case 'ephemeral':
      return surface.ephemeral.blocks ?? [];
    case 'home':
      return ((api.store.homeViews.get(user) as { blocks?: Block[] } | undefined)?.blocks) ?? [];
    case 'modal':
      return api.store.views.get(surface.viewId)?.view.blocks ?? [];
  }
}

/** The parts of a block_actions payload that depend on where the click happened. */
function surfacePayload(api: SlackWebApiEmulator, user: string, surface: Surface, target?: ActionTarget): Record<string, unknown> {
  switch (surface.kind) {
    case 'message': {
      const m = surface.message;
      return {
        container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: false, thread_ts: m.threadTs },
        channel: { id: m.channel, name: m.channel.toLowerCase() },
        message: { type: 'message', ts: m.ts, thread_ts: m.threadTs, text: m.text, blocks: m.blocks, user: m.user, bot_id: m.botId },
        response_url: api.newResponseUrl(m.channel, user, m.ts),
      };
    }
    case 'ephemeral': {
      // Slack sends no message body for an ephemeral one, only its container.
      const e = surface.ephemeral;
      return {
        container: { type: 'message', message_ts: e.ts, channel_id: e.channel, is_ephemeral: true, thread_ts: e.threadTs },
        channel: { id: e.channel, name: e.channel.toLowerCase() },
        response_url: api.newResponseUrl(e.channel, user, undefined, e.id),
      };
    }
    case 'home': {
      const view = api.store.homeViews.get(user) ?? {};
      return { container: { type: 'view', view_id: view.id }, view: { ...view, type: 'home', state: { values: {} } } };
    }
    case 'modal': {
      // A change inside a modal carries the view with what has been entered so far, and its hash.
      const stored = api.store.views.get(surface.viewId);
      const values = target?.selectedValue !== undefined ? { ...target.values, [target.blockId]: { ...target.values?.[target.blockId], [target.actionId]: target.selectedValue } } : target?.values;
      const state = values ? viewState(stored?.view.blocks ?? [], values) : {};
      return { container: { type: 'view', view_id: surface.viewId }, view: { ...stored?.view, id: surface.viewId, hash: stored?.hash, state: { values: state } } };
    }
  }
}

type Element = Record<string, unknown> & { type?: string; action_id?: string; value?: string; text?: unknown; style?: string };

/** What a person can click in a block: its elements (an actions block), its accessory (a section), its input's element. */
function elementsOf(block: Block): Element[] {
  return [...((block.elements as Element[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Element] : []), ...(block.type === 'input' && block.element ? [block.element as Element] : [])];
}

function findElement(blocks: Block[], target: ActionTarget): Element {
  for (const block of blocks) {
    if (String(block.block_id ?? '') !== target.blockId) continue;
    const el = elementsOf(block).find((e) => e.action_id === target.actionId);
    if (el) return el;
  }
  throw new Error(`no element ${target.actionId} in block ${target.blockId}`);
}

function findButton(blocks: Block[], label: string): { button: Record<string, unknown> & { action_id?: string; value?: string; text?: unknown; style?: string }; blockId: string } {
  for (const block of blocks) {
    for (const el of elementsOf(block)) {
      if (el.type === 'button' && (el.text as { text?: string } | undefined)?.text === label) {
        return { button: el, blockId: String(block.block_id ?? '') };
      }
    }
  }
  const labels = blocks.flatMap((b) => ((b.elements as Record<string, unknown>[] | undefined) ?? []).filter((e) => e.type === 'button').map((e) => (e.text as { text: string }).text));
  throw new Error(`no button labelled "${label}" (buttons: ${labels.join(', ') || 'none'})`);
}

/** The state of a modal's inputs: the values given, the others as initially shown. */
function viewState(blocks: Block[], values: ViewValues): Record<string, Record<string, unknown>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    const el = (block as { element?: Record<string, unknown> }).element;
    const blockId = String(block.block_id ?? '');
    if (block.type !== 'input' || !el || !blockId) continue;
    const actionId = String(el.action_id ?? '');
    const given = values[blockId]?.[actionId];
    state[blockId] = { [actionId]: elementState(el, given === undefined ? initialValue(el) : given) };
  }
  return state;
}

function initialValue(el: Record<string, unknown>): string | string[] | null {
  if (typeof el.initial_value === 'string') return el.initial_value;
  if (typeof el.initial_value === 'number') return String(el.initial_value);
  if (typeof el.initial_date_time === 'number') return String(el.initial_date_time);
  if (Array.isArray(el.initial_users)) return el.initial_users as string[];
  if (Array.isArray(el.initial_options)) return (el.initial_options as { value: string }[]).map((o) => o.value);
  const opt = el.initial_option as { value?: string } | undefined;
  return opt?.value ?? null;
}

// What Slack puts in view.state.values for each input element type.
function elementState(el: Record<string, unknown>, value: string | string[] | null): Record<string, unknown> {
  const type = String(el.type);
  switch (type) {
    case 'multi_users_select':
      return { type, selected_users: Array.isArray(value) ? value : value ? [value] : [] };
    case 'users_select':
      return { type, selected_user: value };
    case 'static_select':
    case 'radio_buttons': {
      const options = (el.options as { value: string; text: unknown }[] | undefined) ?? [];
      const opt = options.find((o) => o.value === value);
      return { type, selected_option: opt ?? null };
    }
    case 'checkboxes':
    case 'multi_static_select': {
      const options = (el.options as { value: string; text: unknown }[] | undefined) ?? [];
      const picked = Array.isArray(value) ? value : value ? [value] : [];
      return { type, selected_options: options.filter((o) => picked.includes(o.value)) };
    }
    // Slack sends the chosen instant as Unix seconds; the page and tests give it as such (as text).
    case 'datetimepicker': {
      const seconds = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : null;
      return { type, selected_date_time: seconds };
    }
    default:
      return { type, value: Array.isArray(value) ? value.join('\n') : value };
  }
}

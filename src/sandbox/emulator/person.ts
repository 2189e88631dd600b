import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../slack/signing.js';
import type { Block, StoredMessage } from './store.js';
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
        this.api.store.ephemerals.push({ channel, user, text: body.text ?? '', blocks: body.blocks, via: 'ack' });
      }
    }
    return { ...res, triggerId };
  }

  /** Clicks the button with this exact label in a message (channel or thread) or an open modal. */
  async click(user: string, message: StoredMessage, label: string, opts: DeliveryOptions = {}): Promise<Delivery> {
    const { button, blockId } = findButton(message.blocks ?? [], label);
    const triggerId = opts.triggerId ?? this.api.newTriggerId(user);
    const payload = {
      type: 'block_actions',
      team: { id: this.api.teamId, domain: this.api.teamName.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.api.teamId },
      api_app_id: 'A0MLOPS',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, thread_ts: message.threadTs },
      trigger_id: triggerId,
      channel: { id: message.channel, name: message.channel.toLowerCase() },
      message: { type: 'message', ts: message.ts, thread_ts: message.threadTs, text: message.text, blocks: message.blocks, user: message.user, bot_id: message.botId },
      state: { values: {} },
      response_url: this.newResponseUrl(message.channel, user, message.ts),
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: blockId,
          text: button.text,
          value: button.value,
          style: button.style,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    const res = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
    return { ...res, triggerId };
  }

  /** Submits an open modal with the given values; the response carries `response_action: 'errors'` when refused. */
  async submitView(user: string, viewId: string, values: ViewValues, opts: DeliveryOptions = {}): Promise<Delivery> {
    const stored = this.api.store.views.get(viewId);
    if (!stored) throw new Error(`no view ${viewId}`);
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of stored.view.blocks ?? []) {
      const el = (block as { element?: Record<string, unknown> }).element;
      const blockId = String(block.block_id ?? '');
      if (!el || !blockId) continue;
      const actionId = String(el.action_id ?? '');
      const given = values[blockId]?.[actionId];
      state[blockId] = { [actionId]: elementState(el, given === undefined ? initialValue(el) : given) };
    }
    const payload = {
      type: 'view_submission',
      team: { id: this.api.teamId, domain: this.api.teamName.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.api.teamId },
      api_app_id: 'A0MLOPS',
      token: 'legacy-verification-token',
      trigger_id: opts.triggerId ?? this.api.newTriggerId(user),
      view: { ...stored.view, id: viewId, state: { values: state }, hash: randomBytes(4).toString('hex') },
    };
    const res = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
    const body = res.body as { response_action?: string } | undefined;
    if (res.status === 200 && body?.response_action !== 'errors') stored.open = false;
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

function findButton(blocks: Block[], label: string): { button: Record<string, unknown> & { action_id?: string; value?: string; text?: unknown; style?: string }; blockId: string } {
  for (const block of blocks) {
    const candidates = [...((block.elements as Record<string, unknown>[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Record<string, unknown>] : [])];
    for (const el of candidates) {
      if (el.type === 'button' && (el.text as { text?: string } | undefined)?.text === label) {
        return { button: el, blockId: String(block.block_id ?? '') };
      }
    }
  }
  const labels = blocks.flatMap((b) => ((b.elements as Record<string, unknown>[] | undefined) ?? []).filter((e) => e.type === 'button').map((e) => (e.text as { text: string }).text));
  throw new Error(`no button labelled "${label}" (buttons: ${labels.join(', ') || 'none'})`);
}

function initialValue(el: Record<string, unknown>): string | string[] | null {
  if (typeof el.initial_value === 'string') return el.initial_value;
  if (Array.isArray(el.initial_users)) return el.initial_users as string[];
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
    default:
      return { type, value: Array.isArray(value) ? value.join('\n') : value };
  }
}

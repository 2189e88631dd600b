import { parse as parseQueryString } from 'node:querystring';
import { z } from 'zod';
import { printable } from '../shared/printable.js';
import { interactionCertainlyOk, slashCommandCertainlyOk } from './envelope-fast.js';

/**
 * The outer shape of what Slack sends, as far as Bolt reads it before any listener runs. Bolt
 * trusts a signed body: it routes on which fields are present (`event`, `command`, `name`,
 * `actions`, `type`) and reads ids from them without checks, so a signed payload of the wrong
 * shape (`payload=null`, `"actions": 5`, `"channel": null`) would throw inside Bolt and answer 500.
 * This schema is that contract: each kind has the fields Bolt dereferences, with their types, and
 * none of the fields that would route it as another kind. Listeners still validate what they use.
 */
/** Ids Slack issues (team, user, channel, trigger, event): printable ASCII, no spaces — they reach log lines and dedupe keys. */
const Id = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'not a Slack id');
/** Ids an app chooses (action_id, callback_id): any text up to Slack's 255; logged only through printable(). */
const AppId = z.string().min(1).max(255);
const Obj = z.looseObject({});
/** A field that must be absent: its presence would make Bolt treat the body as another kind. */
const Absent = z.never().optional();

const User = z.looseObject({ id: Id, team_id: Id.optional() });
const interaction = {
  user: User,
  team: z.looseObject({ id: Id, enterprise_id: Id.nullish() }).nullish(),
  enterprise: z.looseObject({ id: Id }).nullish(),
  channel: z.looseObject({ id: Id }).optional(),
  trigger_id: Id.optional(),
  response_url: z.string().max(2000).optional(),
  response_urls: z.array(z.looseObject({ response_url: z.string().max(2000) })).max(10).optional(),
  is_enterprise_install: z.boolean().optional(),
  container: Obj.optional(),
  message: Obj.optional(),
  state: Obj.optional(),
  event: Absent,
  command: Absent,
  // Workflow-function interactions carry their own token; this app defines no functions.
  function_data: Absent,
  bot_access_token: Absent,
};
const View = z.looseObject({ id: Id.optional(), callback_id: z.string().max(255), app_installed_team_id: Id.optional(), private_metadata: z.string().max(3000).optional(), state: Obj.optional() });
const Action = z.looseObject({ action_id: AppId, block_id: z.string().max(255).optional(), type: z.string().max(100).optional() });

export const Interaction = z.discriminatedUnion('type', [
  z.looseObject({ ...interaction, type: z.literal('block_actions'), actions: z.array(Action).min(1).max(25), name: Absent, view: View.optional() }),
  z.looseObject({ ...interaction, type: z.literal('view_submission'), view: View, actions: Absent, name: Absent }),
  z.looseObject({ ...interaction, type: z.literal('view_closed'), view: View, actions: Absent, name: Absent }),
  z.looseObject({ ...interaction, type: z.literal('shortcut'), callback_id: AppId, actions: Absent, name: Absent }),
  z.looseObject({ ...interaction, type: z.literal('message_action'), callback_id: AppId, actions: Absent, name: Absent }),
  z.looseObject({ ...interaction, type: z.literal('block_suggestion'), action_id: AppId, block_id: z.string().max(255).optional(), value: z.string().max(2000).optional(), actions: Absent, view: View.optional() }),
]);

/** A slash command as node:querystring parses it (as Bolt does): a repeated field becomes an array, which is refused. */
export const SlashCommand = z.looseObject({
  command: z.string().regex(/^\/\S{1,64}$/),
  team_id: Id,
  user_id: Id,
  channel_id: Id,
  text: z.string().max(40_000).optional(),
  enterprise_id: Id.optional(),
  is_enterprise_install: z.enum(['true', 'false']).optional(),
  trigger_id: Id.optional(),
  response_url: z.string().max(2000).optional(),
});

const StringOrObject = z.union([z.string().max(255), Obj]);
const EventPayload = z.looseObject({
  type: z.string().min(1).max(100),
  user: StringOrObject.optional(),
  channel: StringOrObject.optional(),
  channel_id: z.string().max(255).optional(),
  item: Obj.optional(),
  subteam: Obj.optional(),
  assistant_thread: Obj.optional(),
  message: Obj.optional(),
  previous_message: Obj.optional(),
});
const EventsApi = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(1000) }),
  z.looseObject({
    type: z.literal('event_callback'),
    event: EventPayload,
    event_id: Id.optional(),
    team_id: Id.optional(),
    enterprise_id: Id.nullish(),
    authorizations: z.array(z.looseObject({ team_id: Id.nullish(), enterprise_id: Id.nullish(), is_enterprise_install: z.boolean().optional() })).max(10).optional(),
    function_data: Absent,
  }),
  // Sent when the app exceeds the Events API rate; acknowledged and otherwise ignored.
  z.looseObject({ type: z.literal('app_rate_limited'), event: Absent, command: Absent, name: Absent, actions: Absent }),
]);

export type Envelope = { ok: true; body: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Parses a verified body exactly as Bolt's receiver would (form bodies only with that exact
 * Content-Type; a `payload` field holds JSON), once, and says what is wrong with it, if anything.
 */
export function parseSlackEnvelope(raw: string, contentType: string | undefined): Envelope {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQueryString(raw);
    if (typeof form.payload === 'string') {
      let payload: unknown;
      try {
        payload = JSON.parse(form.payload);
      } catch {
        return { ok: false, problem: 'payload is not JSON' };
      }
      if (interactionCertainlyOk(payload)) return { ok: true, body: payload as Record<string, unknown> };
      const r = Interaction.safeParse(payload);
      return r.success ? { ok: true, body: payload as Record<string, unknown> } : { ok: false, problem: `payload: ${describe(r.error)}` };
    }
    if (slashCommandCertainlyOk(form)) return { ok: true, body: form };
    const r = SlashCommand.safeParse(form);
    return r.success ? { ok: true, body: form as Record<string, unknown> } : { ok: false, problem: `slash command: ${describe(r.error)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'the body is not JSON' };
  }
  const r = EventsApi.safeParse(body);
  return r.success ? { ok: true, body: body as Record<string, unknown> } : { ok: false, problem: describe(r.error) };
}

function describe(err: z.ZodError): string {
  const issue = err.issues[0];
  const where = issue?.path.length ? `${issue.path.slice(0, 4).map((p) => String(p)).join('.')}: ` : '';
  return printable(`${where}${issue?.message ?? 'invalid'}`, 200);
}

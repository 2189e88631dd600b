/**
 * Hand-written checks of the commonest envelopes — a slash command, a block_actions click, a
 * view_submission — that say "certainly fine" in a few property reads, so the zod schemas in
 * envelope.ts run only for the rest. Each accepts a subset of what its schema accepts (it may send
 * a good body on to zod, never let a bad one through); test/slack/envelope.test.ts checks that on
 * generated payloads. Keep them in step with the schemas.
 */

const ID = /^[\x21-\x7e]{1,255}$/;

type Rec = Record<string, unknown>;

const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' && ID.test(v);
const optId = (v: unknown) => v === undefined || isId(v);
const nullishId = (v: unknown) => v === undefined || v === null || isId(v);
const optStr = (v: unknown, max: number) => v === undefined || (typeof v === 'string' && v.length <= max);
const optObj = (v: unknown) => v === undefined || isObj(v);
const appId = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 255;

/** The fields every interaction shares (envelope.ts `interaction`). */
function interactionOk(p: Rec): boolean {
  const user = p.user;
  if (!isObj(user) || !isId(user.id) || !optId(user.team_id)) return false;
  const team = p.team;
  if (team !== undefined && team !== null && !(isObj(team) && isId(team.id) && nullishId(team.enterprise_id))) return false;
  const enterprise = p.enterprise;
  if (enterprise !== undefined && enterprise !== null && !(isObj(enterprise) && isId(enterprise.id))) return false;
  const channel = p.channel;
  if (channel !== undefined && !(isObj(channel) && isId(channel.id))) return false;
  if (!optId(p.trigger_id) || !optStr(p.response_url, 2000)) return false;
  if (p.response_urls !== undefined) return false; // rare: left to zod
  if (p.is_enterprise_install !== undefined && typeof p.is_enterprise_install !== 'boolean') return false;
  if (!optObj(p.container) || !optObj(p.message) || !optObj(p.state)) return false;
  return p.event === undefined && p.command === undefined && p.function_data === undefined && p.bot_access_token === undefined && p.name === undefined;
}

function viewOk(v: unknown): boolean {
  return isObj(v) && optId(v.id) && typeof v.callback_id === 'string' && v.callback_id.length <= 255 && optId(v.app_installed_team_id) && optStr(v.private_metadata, 3000) && optObj(v.state);
}

/** A block_actions click or a view_submission that the Interaction schema certainly accepts. */
export function interactionCertainlyOk(payload: unknown): boolean {
  if (!isObj(payload)) return false;
  if (payload.type === 'block_actions') {
    const actions = payload.actions;
    if (!Array.isArray(actions) || actions.length < 1 || actions.length > 25) return false;
    for (const a of actions as unknown[]) {
      if (!isObj(a) || !appId(a.action_id) || !optStr(a.block_id, 255) || !optStr(a.type, 100)) return false;
    }
    return (payload.view === undefined || viewOk(payload.view)) && interactionOk(payload);
  }
  if (payload.type === 'view_submission') return payload.actions === undefined && viewOk(payload.view) && interactionOk(payload);
  return false;
}

const COMMAND = /^\/\S{1,64}$/;

/** A slash command (as node:querystring parsed it) that the SlashCommand schema certainly accepts. */
export function slashCommandCertainlyOk(form: Rec): boolean {
  return (
    typeof form.command === 'string' &&
    COMMAND.test(form.command) &&
    isId(form.team_id) &&
    isId(form.user_id) &&
    isId(form.channel_id) &&
    optStr(form.text, 40_000) &&
    optId(form.enterprise_id) &&
    (form.is_enterprise_install === undefined || form.is_enterprise_install === 'true' || form.is_enterprise_install === 'false') &&
    optId(form.trigger_id) &&
    optStr(form.response_url, 2000)
  );
}

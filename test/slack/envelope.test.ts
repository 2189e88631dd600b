import fc from 'fast-check';
import { parse as parseQueryString } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { Interaction, parseSlackEnvelope, SlashCommand } from '../../src/slack/envelope.js';
import { interactionCertainlyOk, slashCommandCertainlyOk } from '../../src/slack/envelope-fast.js';

const click = () => ({
  type: 'block_actions',
  team: { id: 'T0001', domain: 'acme' },
  user: { id: 'U0001', username: 'ada', team_id: 'T0001' },
  api_app_id: 'A0MLOPS',
  token: 'legacy',
  trigger_id: '123.456.abc',
  container: { type: 'message', message_ts: '1.2', channel_id: 'C0001' },
  channel: { id: 'C0001', name: 'general' },
  message: { type: 'message', ts: '1.2', text: 'hi' },
  state: { values: {} },
  response_url: 'https://hooks.slack.com/actions/T/1/x',
  actions: [{ type: 'button', action_id: 'gate.vote.go', block_id: 'b1', value: '7', action_ts: '1.3' }],
});
const submission = () => ({
  type: 'view_submission',
  team: { id: 'T0001', domain: 'acme' },
  user: { id: 'U0001', team_id: 'T0001' },
  trigger_id: '123.456.abc',
  view: { id: 'V0001', callback_id: 'viability.comment_view', private_metadata: '{"checkinId":1}', state: { values: {} }, app_installed_team_id: 'T0001' },
});
const command = () => ({ command: '/mlops', text: 'help', team_id: 'T0001', user_id: 'U0001', channel_id: 'C0001', trigger_id: '1.2.3', response_url: 'https://hooks.slack.com/commands/1', is_enterprise_install: 'false' });

/** Values that sit on either side of the schemas' rules. */
const values = fc.constantFrom<unknown>(
  undefined, null, '', 'U1', 'a b', 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(2001), 'x'.repeat(3001), '/mlops', '/', '/a b', 'true', 'false', 'é',
  0, 5, true, false, [], {}, { id: 'U1' }, { id: null }, { id: 'a b' }, [{}], [{ action_id: 'a' }], [{ action_id: '' }], [{ action_id: 'a', block_id: 5 }],
  [{ response_url: 'x' }], { callback_id: 'c' }, { callback_id: 5 }, { callback_id: 'c', id: 'a b' }, Array.from({ length: 26 }, () => ({ action_id: 'a' })), ['a', 'b'],
);
const interactionPaths = ['type', 'user', 'user.id', 'user.team_id', 'team', 'team.id', 'team.enterprise_id', 'enterprise', 'enterprise.id', 'channel', 'channel.id', 'trigger_id', 'response_url', 'response_urls', 'is_enterprise_install', 'container', 'message', 'state', 'event', 'command', 'function_data', 'bot_access_token', 'name', 'actions', 'actions.0', 'actions.0.action_id', 'actions.0.block_id', 'actions.0.type', 'view', 'view.id', 'view.callback_id', 'view.app_installed_team_id', 'view.private_metadata', 'view.state'];
const commandPaths = ['command', 'team_id', 'user_id', 'channel_id', 'text', 'enterprise_id', 'is_enterprise_install', 'trigger_id', 'response_url', 'payload'];

function mutate(base: Record<string, unknown>, edits: [string, unknown][]): Record<string, unknown> {
  const copy = structuredClone(base);
  for (const [path, value] of edits) {
    const keys = path.split('.');
    let at: unknown = copy;
    for (const k of keys.slice(0, -1)) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[k] : undefined;
    if (typeof at !== 'object' || at === null) continue;
    const last = keys.at(-1)!;
    if (value === undefined) delete (at as Record<string, unknown>)[last];
    else (at as Record<string, unknown>)[last] = structuredClone(value);
  }
  // As it would arrive: through JSON.
  return JSON.parse(JSON.stringify(copy)) as Record<string, unknown>;
}

describe('the envelope fast path', () => {
  it('takes the shapes Slack sends for clicks, modal submissions and slash commands', () => {
    expect(interactionCertainlyOk(click())).toBe(true);
    expect(interactionCertainlyOk({ ...click(), view: submission().view })).toBe(true);
    expect(interactionCertainlyOk(submission())).toBe(true);
    expect(slashCommandCertainlyOk(command())).toBe(true);
  });

  it('never accepts an interaction the schema refuses', () => {
    fc.assert(
      fc.property(fc.constantFrom(click, submission), fc.array(fc.tuple(fc.constantFrom(...interactionPaths), values), { maxLength: 4 }), (base, edits) => {
        const payload = mutate(base(), edits);
        if (interactionCertainlyOk(payload)) expect(Interaction.safeParse(payload).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('never accepts a slash command the schema refuses (repeated fields included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...commandPaths), values), { maxLength: 4 }), fc.subarray(commandPaths, { maxLength: 2 }), (edits, repeated) => {
        const fields = mutate(command(), edits);
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
        for (const k of repeated) form.append(k, 'again');
        const parsed = parseQueryString(form.toString());
        if (slashCommandCertainlyOk(parsed)) expect(SlashCommand.safeParse(parsed).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('parses a body once and gives back what Bolt would parse, or the problem', () => {
    const payload = click();
    const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(parseSlackEnvelope(raw, 'application/x-www-form-urlencoded')).toEqual({ ok: true, body: payload });
    const bad = new URLSearchParams({ payload: JSON.stringify({ ...payload, actions: 5 }) }).toString();
    expect(parseSlackEnvelope(bad, 'application/x-www-form-urlencoded')).toMatchObject({ ok: false, problem: expect.stringContaining('actions') });
    expect(parseSlackEnvelope('{', 'application/json')).toEqual({ ok: false, problem: 'the body is not JSON' });
  });
});

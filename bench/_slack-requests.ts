// Signed Slack requests as Slack sends them (the same bodies as src/sandbox/emulator/person.ts),
// built without an emulator so a load generator can make thousands, each with its own trigger id
// (the app drops a repeated trigger id as a replay).
import { slashCommandForm } from '../src/sandbox/emulator/person.js';
import { slackSignature } from '../src/slack/signing.js';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

function signed(secret: string, body: string, contentType: string): SignedRequest {
  const ts = Math.floor(Date.now() / 1000);
  return { body, headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(secret, ts, body) } };
}

export function signedCommand(secret: string, c: { teamId: string; user: string; channel: string; text: string; triggerId: string }): SignedRequest {
  const form = slashCommandForm({ teamId: c.teamId, teamDomain: 'bench', channel: c.channel, user: c.user, text: c.text, responseUrl: `https://hooks.slack.invalid/commands/${c.triggerId}`, triggerId: c.triggerId });
  return signed(secret, form, 'application/x-www-form-urlencoded');
}

/** A click on a gate's vote button (`gate.vote.go` / `gate.vote.abstain`), as block_actions. */
export function signedVoteClick(secret: string, c: { teamId: string; user: string; channel: string; gateId: number; vote: 'go' | 'abstain'; triggerId: string }): SignedRequest {
  const payload = {
    type: 'block_actions',
    team: { id: c.teamId, domain: 'bench' },
    user: { id: c.user, username: c.user.toLowerCase(), name: c.user.toLowerCase(), team_id: c.teamId },
    api_app_id: 'A0MLOPS',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: c.channel, is_ephemeral: false },
    trigger_id: c.triggerId,
    channel: { id: c.channel, name: c.channel.toLowerCase() },
    message: { type: 'message', ts: '1700000000.000100', text: 'gate', user: 'U0BOT' },
    state: { values: {} },
    response_url: `https://hooks.slack.invalid/actions/${c.triggerId}`,
    actions: [{ type: 'button', action_id: `gate.vote.${c.vote}`, block_id: 'vote', text: { type: 'plain_text', text: c.vote }, value: String(c.gateId), action_ts: `${Date.now() / 1000}` }],
  };
  return signed(secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
}

let counter = 0;
/** A trigger id no other request of this run has. */
export const freshTriggerId = () => `${process.pid}.${Date.now()}.${++counter}`;

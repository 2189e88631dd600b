import type { Authorize } from '@slack/bolt';
import type { Deps } from '../deps.js';

const TRIES = 3;

/**
 * Single-workspace authorization: the bot token from the config, plus the bot's user and bot ids
 * from one successful auth.test, kept for the life of the process. Bolt's own lazy mode
 * (`tokenVerificationEnabled: false`) calls auth.test again on every request, so each click or
 * command cost a Slack round trip and, while Slack was failing, a click could be refused for a
 * failure of a call it did not need. A failed auth.test is not kept: the next request asks again.
 * The client does not retry by itself (Bolt's would for minutes); a few quick tries here keep a
 * cold start during a Slack hiccup within Slack's 3-second ack.
 */
export function singleWorkspaceAuthorize(deps: Deps, botToken: string): Authorize<boolean> {
  let known: Promise<{ botUserId?: string; botId?: string }> | null = null;
  const authTest = async () => {
    const client = await deps.slack.forTeam('');
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await client.auth.test({ token: botToken });
        return { botUserId: res.user_id, botId: res.bot_id };
      } catch (err) {
        if (attempt >= TRIES) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  };
  return async () => {
    known ??= authTest();
    try {
      return { botToken, ...(await known) };
    } catch (err) {
      known = null;
      throw err;
    }
  };
}

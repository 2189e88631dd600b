import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../../deps.js';

/** A reply only the clicker sees; a failure to deliver it is logged, never thrown back into the vote. */
export async function tellUser(deps: Deps, client: WebClient, channel: string | undefined, user: string, text: string): Promise<void> {
  if (!channel) return;
  await client.chat.postEphemeral({ channel, user, text }).catch((err: unknown) => deps.log.warn('ephemeral reply failed', err));
}

export const SOMETHING_WRONG = ':x: Something went wrong on our side; your vote was not changed. Please try again in a moment.';

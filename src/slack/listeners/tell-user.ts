import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';

/**
 * A reply only this person sees, in the channel (and thread) where they clicked. A failure to
 * deliver it is logged, never thrown back into the work the click already did.
 */
export async function tellUser(deps: Deps, client: WebClient, channel: string | undefined, user: string, text: string, threadTs?: string): Promise<void> {
  if (!channel) return;
  await client.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) }).catch((err: unknown) => deps.log.warn('ephemeral reply failed', err));
}

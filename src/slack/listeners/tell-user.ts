import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { homeNoticeModal } from '../../messages/home.js';

/**
 * A reply only this person sees, in the channel (and thread) where they clicked. A failure to
 * deliver it is logged, never thrown back into the work the click already did.
 */
export async function tellUser(deps: Deps, client: WebClient, channel: string | undefined, user: string, text: string, threadTs?: string): Promise<void> {
  if (!channel) return;
  await client.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) }).catch((err: unknown) => deps.log.warn('ephemeral reply failed', err));
}

/** Where a click happened, for the answer to it. */
export interface ClickPlace {
  /** The channel of the clicked message; none for a click in a view (App Home, a modal). */
  channel?: string;
  threadTs?: string;
  /** The click's trigger id (valid for 3 s): a modal can open with it. */
  triggerId?: string;
  /** The click came from the person's App Home. */
  home: boolean;
}

/** The parts of a block_actions payload that say where the click happened. */
const ClickBody = z.object({
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ type: z.string().optional(), channel_id: z.string().optional(), thread_ts: z.string().optional() }).loose().optional(),
  view: z.object({ type: z.string().optional() }).loose().optional(),
});

/**
 * Where a click happened. A click on a message carries its channel; a click in the App Home
 * carries the Home view and no channel, message or response_url.
 */
export function clickPlace(body: unknown): ClickPlace {
  const b = ClickBody.safeParse(body);
  if (!b.success) return { home: false };
  const channel = b.data.channel?.id ?? b.data.container?.channel_id;
  return {
    ...(channel ? { channel } : {}),
    ...(b.data.container?.thread_ts ? { threadTs: b.data.container.thread_ts } : {}),
    ...(b.data.trigger_id ? { triggerId: b.data.trigger_id } : {}),
    home: b.data.container?.type === 'view' && b.data.view?.type === 'home',
  };
}

/**
 * Answers a click: on a message, an ephemeral in its channel (tellUser). A click in App Home has no
 * channel: its confirmation is the Home itself, which the change redraws ("You voted Go", the
 * check-in gone from the list), so `confirmation` says nothing there; a refusal or an error opens a
 * small modal with the click's trigger id. If that has expired (3 s), the refusal is only logged:
 * a direct message would be a Slack post outside the durable outbox, and the Home click's caller
 * redraws the Home, which drops the stale entry the refusal was about.
 */
export async function answerClick(deps: Deps, client: WebClient, place: ClickPlace, user: string, text: string, kind: 'confirmation' | 'refusal'): Promise<void> {
  if (place.channel) return tellUser(deps, client, place.channel, user, text, place.threadTs);
  if (!place.home || kind === 'confirmation' || !place.triggerId) return;
  try {
    await client.views.open({ trigger_id: place.triggerId, view: homeNoticeModal(text) });
  } catch (err) {
    deps.log.warn(`could not show ${user} why their Home click was refused (the modal did not open); their Home is redrawn`, err);
  }
}

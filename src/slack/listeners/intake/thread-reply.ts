import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { unescapeSlack } from '../../command-parser.js';
import { replyInThread } from '../../../services/intake/conversation.js';

/** Subtypes that are still a person typing in the thread; edits, deletions and bot posts are not answers. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

const ThreadMessage = z.object({
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string().default(''),
  ts: z.string().min(1),
  thread_ts: z.string().min(1),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
});

/**
 * A message in a thread: when the thread is an open intake and the author is in its conversation,
 * it is an answer (or `cancel`). Everything else — other threads, outsiders, bots — is ignored.
 * Custom slash commands do not work in threads, so answers arrive this way.
 */
export function intakeThreadReply(deps: Deps) {
  return async ({ event, context, body }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    const parsed = ThreadMessage.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.bot_id || !PERSON_SUBTYPES.has(m.subtype) || m.thread_ts === m.ts) return;
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? '';
    // Stores the answer; the next question is durable work (see replyInThread).
    await replyInThread(deps, { teamId, channelId: m.channel, threadTs: m.thread_ts }, { userId: m.user, text: unescapeSlack(m.text), botUserId: context.botUserId, ts: m.ts });
  };
}

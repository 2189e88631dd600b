import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { findCheckin, responsesFor } from '../db/repositories/viability.js';
import { summarizeResponses } from '../domain/viability/summary.js';
import type { Block } from './views/blocks.js';
import { withTally } from './views/viability.js';

const Posted = z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) });

/**
 * Re-renders a check-in's tally in place after an answer. It starts from the blocks as queued in
 * the outbox, so the signals shown at posting time stay as they were. A person's click is a live
 * request, so this uses the request's client; a failure only leaves the tally stale until close.
 */
export async function refreshCheckinTally(deps: Deps, client: WebClient, teamId: string, checkinId: number): Promise<void> {
  const checkin = await findCheckin(deps.db, teamId, checkinId);
  const posted = Posted.safeParse(checkin?.payload);
  if (!checkin?.ts || !posted.success || checkin.closedAt) return;
  const { counts } = summarizeResponses(await responsesFor(deps.db, checkinId));
  try {
    await client.chat.update({ channel: checkin.channelId, ts: checkin.ts, text: posted.data.text, blocks: withTally(posted.data.blocks as Block[], counts) });
  } catch (err) {
    deps.log.warn(`could not refresh the tally of check-in ${checkinId}`, err);
  }
}

import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { type CheckinRow, findCheckin, responsesFor } from '../../db/repositories/viability.js';
import { summarizeResponses } from '../../domain/viability/summary.js';
import { queueMessageRefresh } from '../message-refresh.js';
import type { OutboxRenderer } from '../job-handlers.js';
import type { Block } from '../../messages/blocks.js';
import { type Counts, withTally } from '../../messages/viability.js';

/** Blocks read back from the outbox row this app wrote: objects with a type, trusted as the builders made them. */
const StoredBlock = z.custom<Block>((b) => typeof b === 'object' && b !== null && typeof (b as { type?: unknown }).type === 'string');
const Posted = z.object({ text: z.string(), blocks: z.array(StoredBlock) });

export const VIABILITY_RENDER_KIND = 'viability';

/** An outbox payload that renders the check-in's message when it goes out. */
export const checkinRenderPayload = (checkinId: number) => ({ render: { kind: VIABILITY_RENDER_KIND, checkinId }, text: 'Viability check-in' });

/**
 * Asks for the check-in's tally to be refreshed after an answer. The update goes through the outbox
 * and is rendered when it is sent, from the database: an open check-in shows the live tally, a
 * closed one its final state without buttons. So an update that goes out after the check-in closed
 * can never bring the buttons back.
 */
export async function refreshCheckinTally(deps: Deps, teamId: string, checkinId: number, now: Date): Promise<void> {
  try {
    const checkin = await findCheckin(deps.db, teamId, checkinId);
    if (!checkin || checkin.closedAt || checkin.outboxId === null) return;
    const queued = await queueMessageRefresh(deps, { teamId, channelId: checkin.channelId, messageOutboxId: checkin.outboxId, render: checkinRenderPayload(checkinId), now });
    if (queued) deps.kickOutbox();
  } catch (err) {
    // The answer is recorded; only the shown tally stays stale until the next answer or the close.
    deps.log.warn(`could not queue a tally refresh of check-in ${checkinId}`, err);
  }
}

/**
 * The check-in message as it should look now. It starts from the blocks as queued in the outbox,
 * so the signals shown at posting time stay as they were; a closed check-in shows its frozen tally
 * and result.
 */
export async function renderCheckin(deps: Deps, checkin: CheckinRow & { payload: unknown }): Promise<{ text: string; blocks: Block[] } | null> {
  const posted = Posted.safeParse(checkin.payload);
  if (!posted.success) return null;
  const blocks = posted.data.blocks;
  if (checkin.closedAt && checkin.verdict) {
    const counts = (checkin.counts as Counts | null) ?? summarizeResponses(await responsesFor(deps.db, checkin.id)).counts;
    return { text: posted.data.text, blocks: withTally(blocks, counts, { verdict: checkin.verdict, at: checkin.closedAt }) };
  }
  const { counts } = summarizeResponses(await responsesFor(deps.db, checkin.id));
  return { text: posted.data.text, blocks: withTally(blocks, counts) };
}

/** Renders a check-in update when its outbox row goes out; null (nothing to send) when it is gone. */
export const viabilityMessageRenderer: OutboxRenderer = async (deps, row) => {
  const checkinId = Number((row.payload as { render?: { checkinId?: unknown } }).render?.checkinId);
  if (!Number.isInteger(checkinId)) throw new Error(`outbox ${row.id}: check-in render without a check-in id`);
  const checkin = await findCheckin(deps.db, row.teamId, checkinId);
  return checkin ? renderCheckin(deps, checkin) : null;
};

import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { type CheckinRow, findCheckin, recentClosedCheckins, responsesFor } from '../../db/repositories/viability.js';
import { checkinAskees } from '../../domain/viability/asked.js';
import { summarizeResponses } from '../../domain/viability/summary.js';
import { silentRun } from '../../domain/viability/trend.js';
import { queueMessageRefresh } from '../message-refresh.js';
import type { OutboxRenderer } from '../job-handlers.js';
import type { Block } from '../../messages/blocks.js';
import { type Counts, type Respondents, withTally } from '../../messages/viability.js';

/** How far back a run of silent check-ins is counted ("12th silent check-in in a row"). */
const SILENT_RUN_LOOKBACK = 100;

/**
 * How many check-ins in a row, ending with this closed one, nobody answered: 0 when this one got
 * answers. Read from the database, like the verdicts it counts.
 */
export async function silentRunAt(deps: Pick<Deps, 'db'>, checkin: Pick<CheckinRow, 'projectId' | 'slotAt' | 'verdict'>): Promise<number> {
  if (checkin.verdict !== 'no_responses') return 0;
  const recent = await recentClosedCheckins(deps.db, checkin.projectId, checkin.slotAt, SILENT_RUN_LOOKBACK);
  return silentRun(recent.map((c) => c.verdict));
}

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
  const responses = await responsesFor(deps.db, checkin.id);
  // Who is asked is read from the brief now; who answered, from the answers (never what they said).
  const project = await findProjectById(deps.db, checkin.teamId, checkin.projectId);
  const who: Respondents = { askees: project ? checkinAskees(project) : [], answered: responses.map((r) => r.userId) };
  if (checkin.closedAt && checkin.verdict) {
    const counts = (checkin.counts as Counts | null) ?? summarizeResponses(responses).counts;
    return { text: posted.data.text, blocks: withTally(blocks, counts, who, { verdict: checkin.verdict, at: checkin.closedAt, silentRun: await silentRunAt(deps, checkin) }) };
  }
  const { counts } = summarizeResponses(responses);
  return { text: posted.data.text, blocks: withTally(blocks, counts, who) };
}

/** Renders a check-in update when its outbox row goes out; null (nothing to send) when it is gone. */
export const viabilityMessageRenderer: OutboxRenderer = async (deps, row) => {
  const checkinId = Number((row.payload as { render?: { checkinId?: unknown } }).render?.checkinId);
  if (!Number.isInteger(checkinId)) throw new Error(`outbox ${row.id}: check-in render without a check-in id`);
  const checkin = await findCheckin(deps.db, row.teamId, checkinId);
  return checkin ? renderCheckin(deps, checkin) : null;
};

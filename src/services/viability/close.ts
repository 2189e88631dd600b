import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Deps } from '../../deps.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { claimCheckinClose, findCheckin, markSummaryQueued, previousVerdict, recentClosedCheckins, recordCheckinResult, responsesFor } from '../../db/repositories/viability.js';
import { TREND_LENGTH } from '../../domain/viability/trend.js';
import { ANSWER_LABELS } from '../../domain/viability/answers.js';
import { decideEscalation } from '../../domain/viability/escalation.js';
import { type CheckinSummary, summarizeResponses } from '../../domain/viability/summary.js';
import { checkinRenderPayload, silentRunAt } from './tally-refresh.js';
import { escalationMessage, skipsSummary, summaryMessages } from '../../messages/viability.js';
import type { TimerHandler } from '../job-handlers.js';
import { queueProjectHomeRefreshById } from '../projects/home-refresh.js';

const Payload = z.object({ checkinId: z.number().int().positive() });

/**
 * Closes a check-in when its window ends, exactly once however many replicas try. Like closeGate,
 * the open → closed compare-and-set comes first and the answers are read after it in the same
 * transaction: an answer in flight has committed by then and any later one is refused, so the tally
 * is final. That transaction stores the result and queues the final state of the root message
 * (rendered at send time, so it shows the frozen tally and no buttons). The summary reply, which
 * may wait on the LLM, and the continue/stop proposal are queued after it, once (summary_posted);
 * a crash in between leaves the timer to run again and queue them. A silent check-in right after
 * another silent one posts no summary: its closed message says "No answers (2nd silent check-in in
 * a row)" instead, so a quiet channel does not collect "Nobody answered" replies one after another.
 */
export const closeViabilityCheckin: TimerHandler = async (deps, { timer, now }) => {
  const { checkinId } = Payload.parse(timer.payload);
  const checkin = await findCheckin(deps.db, timer.teamId, checkinId);
  if (!checkin || checkin.outboxId === null) return;
  const outboxId = checkin.outboxId;
  const base = { teamId: checkin.teamId, channelId: checkin.channelId, now };

  if (!checkin.closedAt) {
    const claimed = await deps.db.transaction(async (txn) => {
      const tx: Db = txn;
      if (!(await claimCheckinClose(tx, checkin.id, now))) return false;
      const summary = summarizeResponses(await responsesFor(tx, checkin.id));
      const decision = decideEscalation(summary.verdict, await previousVerdict(tx, checkin.projectId, checkin.slotAt));
      await recordCheckinResult(tx, checkin.id, { verdict: summary.verdict, counts: summary.counts, escalated: decision.escalate });
      // The outbox sends a message's updates in order, so a live tally drawn before this close
      // (even one in flight on another replica) lands before this final update, never after it.
      await enqueue(tx, { ...base, method: 'chat.update', payload: checkinRenderPayload(checkin.id), targetId: outboxId, dedupeKey: `viability-closed:${checkin.id}` });
      // Whoever had not answered: their Home stops listing it.
      await queueProjectHomeRefreshById(tx, checkin.teamId, checkin.projectId, now);
      return true;
    });
    if (!claimed) return;
    deps.kickOutbox();
  }
  await queueSummary(deps, timer.teamId, checkinId, now);
};

/** Queues the summary reply (and the proposal, when the rule says so) of a closed check-in, once. */
async function queueSummary(deps: Deps, teamId: string, checkinId: number, now: Date): Promise<void> {
  const checkin = await findCheckin(deps.db, teamId, checkinId);
  if (!checkin?.closedAt || checkin.summaryPosted || checkin.outboxId === null) return;
  const project = await findProjectById(deps.db, checkin.teamId, checkin.projectId);
  const slug = project?.slug ?? `project ${checkin.projectId}`;
  // The check-in is closed: no answer can change any more, so this read is the tally taken at close.
  const summary = summarizeResponses(await responsesFor(deps.db, checkin.id));
  const decision = decideEscalation(summary.verdict, await previousVerdict(deps.db, checkin.projectId, checkin.slotAt));
  const silent = skipsSummary(summary.verdict, await silentRunAt(deps, { ...checkin, verdict: summary.verdict }));
  const synthesis = silent ? null : await synthesize(deps, slug, summary);
  // The trend ends with this check-in: the summary shows where it leaves the project.
  const trend = (await recentClosedCheckins(deps.db, checkin.projectId, checkin.slotAt, TREND_LENGTH)).reverse();
  const outboxId = checkin.outboxId;
  const base = { teamId: checkin.teamId, channelId: checkin.channelId, now };
  const queued = await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    if (!(await markSummaryQueued(tx, checkin.id))) return false;
    const messages = silent ? [] : summaryMessages({ slug, summary, synthesis, trend });
    for (const [i, payload] of messages.entries()) {
      await enqueue(tx, { ...base, method: 'chat.postMessage', payload, parentId: outboxId, dedupeKey: i === 0 ? `viability-summary:${checkin.id}` : `viability-summary:${checkin.id}:${i + 1}` });
    }
    if (decision.escalate) {
      await enqueue(tx, { ...base, method: 'chat.postMessage', payload: escalationMessage({ slug, reason: decision.reason, checkinId: checkin.id }), parentId: outboxId, dedupeKey: `viability-escalation:${checkin.id}` });
    }
    return true;
  });
  if (queued) deps.kickOutbox();
}

/** A short synthesis of the comments by the LLM, or null (no LLM, no comments, or it failed). */
async function synthesize(deps: Deps, slug: string, summary: CheckinSummary): Promise<string | null> {
  if (!deps.llm || summary.comments.length === 0) return null;
  try {
    const text = await deps.llm.text({
      system:
        'You summarise a team\'s answers to a viability check-in of an ML project in at most three sentences: the main concerns and the main reasons for confidence. Do not state numbers or counts; do not invent facts not in the comments.',
      user: `Project: ${slug}\nComments:\n${summary.comments.map((c) => `- (${ANSWER_LABELS[c.answer]}) ${c.comment}`).join('\n')}`,
      maxTokens: 200,
    });
    return text.slice(0, 1500);
  } catch (err) {
    deps.log.warn(`viability synthesis for ${slug} failed; posting the summary without it`, err);
    return null;
  }
}

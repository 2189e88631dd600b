import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Deps } from '../deps.js';
import { enqueue } from '../db/repositories/outbox.js';
import { findProjectById } from '../db/repositories/projects.js';
import { closeCheckin, findCheckin, previousVerdict, responsesFor } from '../db/repositories/viability.js';
import { ANSWER_LABELS } from '../domain/viability/answers.js';
import { decideEscalation } from '../domain/viability/escalation.js';
import { type CheckinSummary, summarizeResponses } from '../domain/viability/summary.js';
import type { Block } from '../slack/views/blocks.js';
import { escalationMessage, summaryMessage, withTally } from '../slack/views/viability.js';
import type { TimerHandler } from './registry.js';

const Payload = z.object({ checkinId: z.number().int().positive() });
const PostedMessage = z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) });

/**
 * Closes a check-in when its window ends: takes the tally, and in one transaction marks it closed
 * (compare-and-set, so it happens once), queues the summary as a thread reply, the final state of
 * the root message, and — when the rule says so — the continue/stop proposal.
 */
export const closeViabilityCheckin: TimerHandler = async (deps, { timer, now }) => {
  const { checkinId } = Payload.parse(timer.payload);
  const checkin = await findCheckin(deps.db, timer.teamId, checkinId);
  if (!checkin || checkin.closedAt || checkin.outboxId === null) return;
  const project = await findProjectById(deps.db, checkin.teamId, checkin.projectId);
  if (!project) return;
  // Answers are refused from closes_at on (recordAnswer), so this tally is final.
  const summary = summarizeResponses(await responsesFor(deps.db, checkin.id));
  const decision = decideEscalation(summary.verdict, await previousVerdict(deps.db, checkin.projectId, checkin.slotAt));
  const synthesis = await synthesize(deps, project.slug, summary);
  const posted = PostedMessage.safeParse(checkin.payload);
  const outboxId = checkin.outboxId;

  const closed = await deps.db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    if (!(await closeCheckin(tx, checkin.id, { verdict: summary.verdict, counts: summary.counts, escalated: decision.escalate, now }))) return false;
    const base = { teamId: checkin.teamId, channelId: checkin.channelId, now };
    await enqueue(tx, { ...base, method: 'chat.postMessage', payload: summaryMessage({ slug: project.slug, summary, synthesis }), parentId: outboxId, dedupeKey: `viability-summary:${checkin.id}` });
    if (posted.success) {
      const blocks = withTally(posted.data.blocks as Block[], summary.counts, { verdict: summary.verdict, at: now });
      await enqueue(tx, { ...base, method: 'chat.update', payload: { text: posted.data.text, blocks }, targetId: outboxId, dedupeKey: `viability-closed:${checkin.id}` });
    }
    if (decision.escalate) {
      await enqueue(tx, { ...base, method: 'chat.postMessage', payload: escalationMessage({ slug: project.slug, reason: decision.reason, checkinId: checkin.id }), parentId: outboxId, dedupeKey: `viability-escalation:${checkin.id}` });
    }
    return true;
  });
  if (closed) deps.kickOutbox();
};

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

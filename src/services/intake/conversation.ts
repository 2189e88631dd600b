import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../deps.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { deleteUnstartedIntake, findIntake, findIntakeByThread, type IntakeRow, saveIntakeStep, setBriefTs, setIntakeThread } from '../../db/repositories/intakes.js';
import { answerIntake, type NextQuestion } from '../../domain/intake/answer.js';
import { assessBrief } from '../../domain/intake/assess.js';
import { Brief, BRIEF_FIELDS, BriefDraft, BriefField, missingFields, parseMentions } from '../../domain/intake/brief.js';
import { stopIdleTimer } from './idle-timer.js';
import { designBriefMessage, intakeClosedMessage, intakeQuestionMessage, intakeRootMessage } from '../../messages/intake.js';

const MAX_PARTICIPANTS = 100;

export function draftOf(project: ProjectRow): BriefDraft {
  const parsed = BriefDraft.safeParse(project.brief ?? {});
  return parsed.success ? parsed.data : {};
}

function questionMessage(draft: BriefDraft, question: string, problem?: string) {
  return intakeQuestionMessage({ question, problem, answered: BRIEF_FIELDS.length - missingFields(draft).length, total: BRIEF_FIELDS.length });
}

/**
 * Posts the thread root and the first question of a just-created intake. If Slack refuses the
 * root (the bot is not in the channel, say), the project is removed again so the slug stays free,
 * and the person is told why.
 */
export async function openIntakeThread(deps: Deps, client: WebClient, s: { project: ProjectRow; intake: IntakeRow; responseUrl: string }): Promise<void> {
  const { project, intake } = s;
  let rootTs: string | undefined;
  try {
    const root = await client.chat.postMessage({ channel: intake.channelId, ...intakeRootMessage({ slug: project.slug, requesterId: intake.requesterId, participants: intake.participants }) });
    rootTs = root.ts;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error ?? 'an error';
    deps.log.warn(`intake ${project.slug}: could not post the thread root (${code})`);
    await deleteUnstartedIntake(deps.db, project.teamId, project.id);
    if (s.responseUrl) {
      const text = `I could not start the intake thread here (Slack said \`${code}\`). Invite me to the channel with \`/invite @mlops\` and try again; nothing was saved.`;
      await fetch(s.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text }) }).catch(() => undefined);
    }
    return;
  }
  if (!rootTs) return;
  await setIntakeThread(deps.db, intake.id, rootTs);
  await client.chat.postMessage({ channel: intake.channelId, thread_ts: rootTs, ...questionMessage({}, intake.currentQuestion ?? '') });
}

export interface Reply {
  userId: string;
  /** Already unescaped (&lt; → <), mentions as <@U…>. */
  text: string;
  botUserId?: string;
}

const CANCEL = /^\s*cancel\s*[.!]?\s*$/i;

/**
 * A message in a thread: when the thread is an open intake and the author is in its conversation,
 * it is an answer (or `cancel`). Messages in other threads, and from people outside the
 * conversation, are ignored.
 */
export async function replyInThread(deps: Deps, client: WebClient, where: { teamId: string; channelId: string; threadTs: string }, reply: Reply): Promise<void> {
  const intake = await findIntakeByThread(deps.db, where.teamId, where.channelId, where.threadTs);
  if (!intake || intake.status !== 'open' || !intake.participants.includes(reply.userId)) return;
  await handleIntakeReply(deps, client, intake, reply);
}

/**
 * One reply in an intake thread from someone in the conversation: `cancel`, or an answer that the
 * domain reads (with the LLM when configured). Every step is a compare-and-set on the intake, so a
 * reply handled twice at once, or by two replicas, applies once; the loser re-reads and retries.
 */
export async function handleIntakeReply(deps: Deps, client: WebClient, start: IntakeRow, reply: Reply): Promise<void> {
  let intake: IntakeRow | undefined = start;
  for (let attempt = 0; attempt < 3 && intake?.status === 'open'; attempt++) {
    // A reply answers the question that was open when it was written. If someone else's answer
    // moved the intake on meanwhile, re-applying this one would file it under the next field.
    if (intake.currentField !== start.currentField) {
      if (intake.threadTs && intake.currentQuestion) {
        const project = await findProjectById(deps.db, intake.teamId, intake.projectId);
        const problem = `<@${reply.userId}>, someone answered that question just before you, so I did not use your reply. Here is the next one.`;
        await client.chat.postMessage({ channel: intake.channelId, thread_ts: intake.threadTs, ...questionMessage(project ? draftOf(project) : {}, intake.currentQuestion, problem) });
      }
      return;
    }
    const done = await step(deps, client, intake, reply);
    if (done) return;
    intake = await findIntake(deps.db, start.id);
  }
}

async function step(deps: Deps, client: WebClient, intake: IntakeRow, reply: Reply): Promise<boolean> {
  const now = deps.clock.now();
  const project = await findProjectById(deps.db, intake.teamId, intake.projectId);
  if (!project || !intake.threadTs) return true;
  const thread = { channel: intake.channelId, thread_ts: intake.threadTs };

  if (CANCEL.test(reply.text)) {
    const saved = await saveIntakeStep(deps.db, { intake, patch: { status: 'cancelled', closedAt: now, lastActivityAt: now }, audit: { actorId: reply.userId, action: 'intake.cancelled' }, now });
    if (!saved) return false;
    await stopIdleTimer(deps.db, intake.id, now);
    await client.chat.postMessage({ ...thread, ...intakeClosedMessage('cancelled', reply.userId) });
    return true;
  }

  const mentioned = parseMentions(reply.text).filter((u) => u !== reply.botUserId);
  const participants = [...new Set([...intake.participants, ...mentioned])].slice(0, MAX_PARTICIPANTS);
  const draft = draftOf(project);
  const field = BriefField.safeParse(intake.currentField);
  const state = { draft, field: field.success ? field.data : (missingFields(draft)[0] ?? 'problem'), question: intake.currentQuestion ?? '', asked: intake.followUps };
  const outcome = await answerIntake(deps.llm, state, reply.text);

  if (outcome.kind === 'rejected') {
    const saved = await saveIntakeStep(deps.db, { intake, patch: { participants, lastActivityAt: now }, now });
    if (!saved) return false;
    await client.chat.postMessage({ ...thread, ...questionMessage(draft, outcome.question, outcome.message) });
    return true;
  }

  if (outcome.via === 'fallback') deps.log.warn(`intake ${project.slug}: LLM output unusable twice; read the answer as given`);
  const complete = outcome.next === null && Brief.safeParse(outcome.draft).success;
  const next: NextQuestion | null = outcome.next;
  // A follow-up question that changed nothing is not a brief change: no audit entry for it.
  const audit = outcome.changed.length || complete ? { actorId: reply.userId, action: 'brief.updated', detail: { fields: outcome.changed, via: outcome.via, ...(complete ? { completed: true } : {}) } } : undefined;
  if (complete) {
    const assessment = await assessBrief(deps.llm, outcome.draft as Brief);
    const saved = await saveIntakeStep(deps.db, {
      intake,
      brief: outcome.draft,
      patch: { participants, status: 'complete', closedAt: now, lastActivityAt: now, currentField: null, currentQuestion: null, followUps: outcome.asked, assessment },
      audit,
      now,
    });
    if (!saved) return false;
    await stopIdleTimer(deps.db, intake.id, now);
    const res = await client.chat.postMessage({
      ...thread,
      reply_broadcast: true,
      ...designBriefMessage({ slug: project.slug, projectId: project.id, brief: outcome.draft, requesterId: intake.requesterId, assessment }),
    });
    if (res.ts) await setBriefTs(deps.db, intake.id, res.ts);
    return true;
  }
  if (!next) return true;
  const saved = await saveIntakeStep(deps.db, {
    intake,
    brief: outcome.draft,
    patch: { participants, lastActivityAt: now, currentField: next.field, currentQuestion: next.question, followUps: outcome.asked },
    audit,
    now,
  });
  if (!saved) return false;
  await client.chat.postMessage({ ...thread, ...questionMessage(outcome.draft, next.question) });
  return true;
}

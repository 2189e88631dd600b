import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import type { Db } from '../../db/client.js';
import { deleteUnstartedIntake, findIntake, findIntakeByThread, intakeRootKey, type IntakeRow, saveIntakeStep } from '../../db/repositories/intakes.js';
import { enqueue, findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import { addTimer } from '../../db/repositories/schedules.js';
import type { OutboxFailureHandler, TimerHandler } from '../job-handlers.js';
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

/** The `on_failure` kind of an intake's thread root: Slack refused it for good. */
export const INTAKE_ROOT_REFUSED = 'intake.root_refused';
const RootFailure = z.object({ kind: z.literal(INTAKE_ROOT_REFUSED), projectId: z.number().int().positive(), responseUrl: z.string().optional() });

/**
 * Queues the thread root and the first question of a just-created intake through the outbox, in
 * the transaction that creates it, so the thread is posted even if this process dies right after
 * the ack. If Slack refuses the root for good (the bot is not in the channel, say), the failure
 * handler removes the project again so the slug stays free, and tells the person why.
 */
export async function queueIntakeThread(tx: Db, s: { project: ProjectRow; intake: IntakeRow; responseUrl?: string; now: Date }): Promise<void> {
  const { project, intake, now } = s;
  const base = { teamId: intake.teamId, method: 'chat.postMessage' as const, channelId: intake.channelId, now };
  const onFailure = { kind: INTAKE_ROOT_REFUSED, projectId: project.id, ...(s.responseUrl ? { responseUrl: s.responseUrl } : {}) };
  const root = await enqueue(tx, { ...base, payload: { ...intakeRootMessage({ slug: project.slug, requesterId: intake.requesterId, participants: intake.participants }), on_failure: onFailure }, dedupeKey: intakeRootKey(intake.id) });
  await enqueue(tx, { ...base, parentId: root.id, payload: questionMessage({}, intake.currentQuestion ?? ''), dedupeKey: `intake-question:${intake.id}:first` });
}

/** Slack refused an intake's thread root for good: free the slug again and say why. */
export const intakeRootRefused: OutboxFailureHandler = async (deps, row, reason) => {
  const failure = RootFailure.safeParse((row.payload as { on_failure?: unknown }).on_failure);
  if (!failure.success) return;
  deps.log.warn(`intake thread root in ${row.channelId} refused by Slack (${reason}); removing the unstarted project`);
  await deleteUnstartedIntake(deps.db, row.teamId, failure.data.projectId);
  if (!failure.data.responseUrl) return;
  const text = `I could not start the intake thread here (Slack said \`${reason.replace(/`/g, "'")}\`). Invite me to the channel with \`/invite @mlops\` and try again; nothing was saved.`;
  await fetch(failure.data.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text }) }).catch(() => undefined);
};

export interface Reply {
  userId: string;
  /** Already unescaped (&lt; → <), mentions as <@U…>. */
  text: string;
  botUserId?: string;
  /** The Slack message's ts: identifies the answer (one stored answer, one bot post per message). */
  ts: string;
}

const CANCEL = /^\s*cancel\s*[.!]?\s*$/i;

/** The one-shot timer that turns a stored answer into the intake's next step. */
export const INTAKE_ANSWER_TIMER = 'intake.answer';

interface StoredAnswer extends Reply {
  /** The field whose question was open when the answer was written. */
  field: string | null;
}

/** The bot's one post in answer to a person's message (next question, re-ask, note…). */
const answerPostKey = (intakeId: number, ts: string) => `intake-answer:${intakeId}:${ts}`;
/** The Design brief message of a completed intake, which Edit brief and stakeholder changes update. */
export const briefPostKey = (intakeId: number) => `intake-brief:${intakeId}`;

/**
 * A message in a thread: when the thread is an open intake and the author is in its conversation,
 * it is an answer (or `cancel`). Messages in other threads, and from people outside the
 * conversation, are ignored.
 *
 * The answer is stored right here, while Slack's event is handled, as a one-shot timer
 * (`intake.answer`) carrying the text and the question it answers; reading it (with the LLM when
 * configured) and asking the next question is that timer's work. So once stored, an answer is
 * never lost: an instance that dies before or while reading it leaves the timer to another one,
 * and the next question is still asked.
 */
export async function replyInThread(deps: Deps, where: { teamId: string; channelId: string; threadTs: string }, reply: Reply): Promise<void> {
  const intake = await findIntakeByThread(deps.db, where.teamId, where.channelId, where.threadTs);
  if (!intake || intake.status !== 'open' || !intake.participants.includes(reply.userId)) return;
  const answer: StoredAnswer = { ...reply, field: intake.currentField };
  await addTimer(deps.db, { teamId: intake.teamId, kind: INTAKE_ANSWER_TIMER, ref: `intake:${intake.id}:${reply.ts}`, dueAt: deps.clock.now(), payload: { ...answer } });
  // Wakes this instance's job runner, which runs due timers before it delivers the outbox.
  deps.kickOutbox();
}

/** Reads one stored answer: the intake's next step, and the bot's post about it through the outbox. */
export const intakeAnswerTimer: TimerHandler = async (deps, { timer }) => {
  const id = Number(timer.ref.split(':')[1]);
  const answer = timer.payload as Partial<StoredAnswer>;
  if (!Number.isSafeInteger(id) || typeof answer.userId !== 'string' || typeof answer.text !== 'string' || typeof answer.ts !== 'string') return;
  const intake = await findIntake(deps.db, id);
  if (!intake) return;
  await handleIntakeReply(deps, { ...intake, currentField: answer.field ?? null }, { userId: answer.userId, text: answer.text, botUserId: answer.botUserId, ts: answer.ts });
};

/**
 * One reply in an intake thread from someone in the conversation: `cancel`, or an answer that the
 * domain reads (with the LLM when configured). `start` is the intake as it was when the reply was
 * written (its `currentField` is the question answered). Every step is a compare-and-set on the
 * intake, so a reply handled twice at once, or by two replicas, applies once; the loser re-reads
 * and retries. The step and the bot's post are committed together, and the post's dedupe key
 * marks the reply as handled: a timer run again after a crash does not post or apply it twice.
 */
export async function handleIntakeReply(deps: Deps, start: IntakeRow, reply: Reply): Promise<void> {
  if (await findOutboxByDedupeKey(deps.db, answerPostKey(start.id, reply.ts))) return;
  let intake: IntakeRow | undefined = await findIntake(deps.db, start.id);
  for (let attempt = 0; attempt < 3 && intake?.status === 'open'; attempt++) {
    // A reply answers the question that was open when it was written. If someone else's answer
    // moved the intake on meanwhile, re-applying this one would file it under the next field.
    if (intake.currentField !== start.currentField) {
      if (intake.threadTs && intake.currentQuestion) {
        const project = await findProjectById(deps.db, intake.teamId, intake.projectId);
        const problem = `<@${reply.userId}>, someone answered that question just before you, so I did not use your reply. Here is the next one.`;
        await postInThread(deps, deps.db, intake, reply, questionMessage(project ? draftOf(project) : {}, intake.currentQuestion, problem));
        deps.kickOutbox();
      }
      return;
    }
    const done = await step(deps, intake, reply);
    if (done) {
      deps.kickOutbox();
      return;
    }
    intake = await findIntake(deps.db, start.id);
  }
}

/** Queues the bot's post in answer to `reply`, in the intake's thread, inside the caller's transaction. */
async function postInThread(deps: Deps, tx: Db, intake: IntakeRow, reply: Reply, message: { text: string; blocks: unknown[] }, opts: { broadcast?: boolean; key?: string } = {}): Promise<void> {
  await enqueue(tx, {
    teamId: intake.teamId,
    method: 'chat.postMessage',
    channelId: intake.channelId,
    threadTs: intake.threadTs!,
    payload: { ...message, ...(opts.broadcast ? { reply_broadcast: true } : {}) },
    dedupeKey: opts.key ?? answerPostKey(intake.id, reply.ts),
    now: deps.clock.now(),
  });
}

async function step(deps: Deps, intake: IntakeRow, reply: Reply): Promise<boolean> {
  const now = deps.clock.now();
  const project = await findProjectById(deps.db, intake.teamId, intake.projectId);
  if (!project || !intake.threadTs) return true;

  if (CANCEL.test(reply.text)) {
    const saved = await saveIntakeStep(deps.db, {
      intake,
      patch: { status: 'cancelled', closedAt: now, lastActivityAt: now },
      audit: { actorId: reply.userId, action: 'intake.cancelled' },
      now,
      also: async (tx) => {
        await stopIdleTimer(tx, intake.id, now);
        await postInThread(deps, tx, intake, reply, intakeClosedMessage('cancelled', reply.userId));
      },
    });
    return saved !== null;
  }

  const mentioned = parseMentions(reply.text).filter((u) => u !== reply.botUserId);
  const participants = [...new Set([...intake.participants, ...mentioned])].slice(0, MAX_PARTICIPANTS);
  const draft = draftOf(project);
  const field = BriefField.safeParse(intake.currentField);
  const state = { draft, field: field.success ? field.data : (missingFields(draft)[0] ?? 'problem'), question: intake.currentQuestion ?? '', asked: intake.followUps };
  const outcome = await answerIntake(deps.llm, state, reply.text);

  if (outcome.kind === 'rejected') {
    const saved = await saveIntakeStep(deps.db, {
      intake,
      patch: { participants, lastActivityAt: now },
      now,
      also: (tx) => postInThread(deps, tx, intake, reply, questionMessage(draft, outcome.question, outcome.message)),
    });
    return saved !== null;
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
      also: async (tx) => {
        await stopIdleTimer(tx, intake.id, now);
        const message = designBriefMessage({ slug: project.slug, projectId: project.id, brief: outcome.draft, requesterId: intake.requesterId, assessment });
        await postInThread(deps, tx, intake, reply, message, { broadcast: true, key: briefPostKey(intake.id) });
      },
    });
    return saved !== null;
  }
  if (!next) return true;
  const saved = await saveIntakeStep(deps.db, {
    intake,
    brief: outcome.draft,
    patch: { participants, lastActivityAt: now, currentField: next.field, currentQuestion: next.question, followUps: outcome.asked },
    audit,
    now,
    also: (tx) => postInThread(deps, tx, intake, reply, questionMessage(outcome.draft, next.question)),
  });
  return saved !== null;
}

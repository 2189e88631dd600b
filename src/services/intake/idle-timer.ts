import type { Db } from '../../db/client.js';
import { findIntake, intakeRootKey, type IntakeRow, saveIntakeStep } from '../../db/repositories/intakes.js';
import { enqueue, findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import { addTimer, cancelTimers } from '../../db/repositories/schedules.js';
import { intakeClosedMessage } from '../../messages/intake.js';
import type { TimerHandler } from '../job-handlers.js';

export const INTAKE_IDLE_TIMER = 'intake.idle';
export const INTAKE_IDLE_MS = 7 * 86_400_000;

const ref = (intakeId: number) => `intake:${intakeId}`;

/**
 * Arms the idle check 7 days after `lastActivity`. Answers do not move the timer: when it fires
 * early (someone answered since), the handler re-arms it from the latest activity — one timer per
 * intake at a time, and no write per answer.
 */
export async function armIdleTimer(db: Db, intake: Pick<IntakeRow, 'id' | 'teamId'>, lastActivity: Date): Promise<void> {
  await addTimer(db, { teamId: intake.teamId, kind: INTAKE_IDLE_TIMER, ref: ref(intake.id), dueAt: new Date(lastActivity.getTime() + INTAKE_IDLE_MS) });
}

export async function stopIdleTimer(db: Db, intakeId: number, now: Date): Promise<void> {
  await cancelTimers(db, INTAKE_IDLE_TIMER, ref(intakeId), now);
}

/**
 * Closes an intake nobody answered for 7 days, with a note in its thread. The intake's own
 * last-activity time decides, not the timer: a timer that outlived a later answer does nothing.
 */
export const intakeIdleTimer: TimerHandler = async (deps, { timer, now }) => {
  const id = Number(timer.ref.slice('intake:'.length));
  const intake = Number.isSafeInteger(id) ? await findIntake(deps.db, id) : undefined;
  if (!intake || intake.status !== 'open') return;
  if (now.getTime() - intake.lastActivityAt.getTime() < INTAKE_IDLE_MS) {
    await armIdleTimer(deps.db, intake, intake.lastActivityAt);
    return;
  }
  const closed = await saveIntakeStep(deps.db, {
    intake,
    patch: { status: 'expired', closedAt: now, currentField: null, currentQuestion: null },
    audit: { actorId: 'mlops', action: 'intake.expired', detail: { idleSince: intake.lastActivityAt.toISOString() } },
    now,
    also: async (tx) => {
      // Nobody replied yet, so the thread's ts may still be known only to the outbox: reply to its root row.
      const root = intake.threadTs ? undefined : await findOutboxByDedupeKey(tx, intakeRootKey(intake.id));
      const thread = intake.threadTs ? { threadTs: intake.threadTs } : root ? { parentId: root.id } : null;
      if (!thread) return;
      await enqueue(tx, { teamId: intake.teamId, method: 'chat.postMessage', channelId: intake.channelId, ...thread, payload: intakeClosedMessage('expired'), dedupeKey: `intake-expired:${intake.id}`, now });
    },
  });
  if (closed) deps.kickOutbox();
};

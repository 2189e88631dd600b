import type { Db } from '../../db/client.js';
import type { Deps } from '../../deps.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById, phaseHistory, type ProjectRow } from '../../db/repositories/projects.js';
import { addTimer, deactivateScheduleById, lockActiveSchedule, type ScheduleRow } from '../../db/repositories/schedules.js';
import { type CheckinRow, createCheckin, lastClosedCheckin, recentClosedCheckins, setCheckinOutbox } from '../../db/repositories/viability.js';
import { type CheckinAskMode, checkinAskees, storedAskMode } from '../../domain/viability/asked.js';
import { reminderDueAt } from '../../domain/viability/reminder.js';
import { TREND_LENGTH, type TrendPoint } from '../../domain/viability/trend.js';
import { DEFAULT_WINDOW_MS } from '../../domain/viability/window.js';
import { renderSections } from '../projects/sections.js';
import { checkinMessage, type Counts, lastCheckinFact, phaseFact } from '../../messages/viability.js';
import type { ScheduleHandler } from '../job-handlers.js';
import { queueProjectHomeRefresh } from '../projects/home-refresh.js';
import { openDmChannels, queueCheckinDm } from './checkin-dm.js';
import { VIABILITY_REMIND_TIMER } from './remind.js';

export const VIABILITY_SCHEDULE = 'viability';
export const VIABILITY_CLOSE_TIMER = 'viability.close';

const ZERO: Counts = { on_track: 0, at_risk: 0, not_viable: 0 };

/** The outbox key of a slot's check-in message: one message per schedule slot, whoever enqueues it. */
export function checkinDedupeKey(c: { scheduleId: number | null; projectId: number; slotAt: Date }): string {
  return c.scheduleId !== null ? `viability:${c.scheduleId}:${c.slotAt.toISOString()}` : `viability:now:${c.projectId}:${c.slotAt.toISOString()}`;
}

/**
 * Posts a check-in for one slot (or an on-demand `now`): the check-in row, its message in the
 * outbox (mentioning the people asked), with `ask: 'dm'` a DM to each of them, the reminder timer
 * and the timer that closes it are written in one transaction, so a crash leaves all or
 * nothing, and a second attempt at the same slot finds the row and does nothing (null). A slot of a
 * schedule is posted only if the schedule is still active in that transaction: `viability off`
 * committed after the scheduler claimed the slot stops it (null), and one committed later waits
 * for the check-in, which was then posted before the schedule was turned off.
 */
export async function postCheckin(
  deps: Deps,
  c: { project: ProjectRow; scheduleId: number | null; slotAt: Date; windowMs: number; requestedBy: string | null; ask: CheckinAskMode; now: Date },
): Promise<CheckinRow | null> {
  const { project, now } = c;
  const closesAt = new Date(now.getTime() + c.windowMs);
  const facts = await projectFacts(deps, project, now);
  const trend = await trendBefore(deps, project.id, c.slotAt);
  const signals = await renderSections(deps, project, 'viability', now);
  const askees = checkinAskees(project);
  const dms = c.ask === 'dm' ? await openDmChannels(deps, project.teamId, askees) : new Map<string, string>();
  const remindAt = reminderDueAt(now, closesAt);
  const created = await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    if (c.scheduleId !== null && !(await lockActiveSchedule(tx, c.scheduleId))) return null;
    const checkin = await createCheckin(tx, { teamId: project.teamId, projectId: project.id, scheduleId: c.scheduleId, slotAt: c.slotAt, requestedBy: c.requestedBy, channelId: project.channelId, closesAt, now });
    if (!checkin) return null;
    const message = checkinMessage({ slug: project.slug, checkinId: checkin.id, closesAt, facts, signals, counts: ZERO, askees, trend });
    const row = await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, payload: message, dedupeKey: checkinDedupeKey({ scheduleId: c.scheduleId, projectId: project.id, slotAt: c.slotAt }), now });
    await setCheckinOutbox(tx, checkin.id, row.id);
    // Queued after the channel message, so each DM goes out after it and can link to it.
    for (const [userId, dmChannelId] of dms) await queueCheckinDm(tx, { teamId: project.teamId, checkinId: checkin.id, userId, dmChannelId, reminder: false, now });
    if (remindAt) await addTimer(tx, { teamId: project.teamId, kind: VIABILITY_REMIND_TIMER, ref: String(checkin.id), dueAt: remindAt, payload: { checkinId: checkin.id } });
    await addTimer(tx, { teamId: project.teamId, kind: VIABILITY_CLOSE_TIMER, ref: String(checkin.id), dueAt: closesAt, payload: { checkinId: checkin.id } });
    // The people who may answer: their Home lists the check-in with its buttons.
    await queueProjectHomeRefresh(tx, project, now);
    return { ...checkin, outboxId: row.id };
  });
  if (created) deps.kickOutbox();
  return created;
}

async function projectFacts(deps: Deps, project: ProjectRow, now: Date): Promise<string[]> {
  const facts: string[] = [];
  const history = await phaseHistory(deps.db, project.id);
  const entered = history.filter((h) => h.toPhase === project.phase).at(-1);
  if (entered) facts.push(phaseFact(project.phase, entered.at, now));
  const last = await lastClosedCheckin(deps.db, project.id);
  if (last?.verdict && last.closedAt) facts.push(lastCheckinFact(last.verdict, (last.counts as Counts | null) ?? null, last.closedAt));
  return facts;
}

/** The project's check-ins closed before this slot, oldest first: the trend the new one shows. */
async function trendBefore(deps: Deps, projectId: number, slotAt: Date): Promise<TrendPoint[]> {
  const recent = await recentClosedCheckins(deps.db, projectId, new Date(slotAt.getTime() - 1), TREND_LENGTH);
  return recent.reverse().map((c) => ({ verdict: c.verdict, closedAt: c.closedAt }));
}

/** Options stored with a viability schedule. */
export function scheduleWindowMs(schedule: Pick<ScheduleRow, 'options'>): number {
  const seconds = Number((schedule.options as { windowSeconds?: unknown }).windowSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_WINDOW_MS;
}

/** A slot of a project's viability schedule: post the check-in (retired projects stop their schedule). */
export const runViabilitySlot: ScheduleHandler = async (deps, { schedule, slotAt, now }) => {
  const project = await findProjectById(deps.db, schedule.teamId, Number(schedule.ref));
  if (!project || project.phase === 'retired') {
    await deactivateScheduleById(deps.db, schedule.id, now);
    return;
  }
  await postCheckin(deps, { project, scheduleId: schedule.id, slotAt, windowMs: scheduleWindowMs(schedule), requestedBy: null, ask: storedAskMode(schedule.options), now });
};

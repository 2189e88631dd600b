import type { Deps } from '../../deps.js';
import { recordAudit } from '../../db/repositories/audit.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Db } from '../../db/client.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { deactivateSchedule, deactivateScheduleIfUnchanged, findSchedule, type ScheduleRow, upsertSchedule } from '../../db/repositories/schedules.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { assertMinInterval, nextSlot } from '../../domain/schedule/slots.js';
import { parseScheduleSpec, parseTimezone } from '../../domain/schedule/spec.js';
import { checkinWindowMs, parseWindow } from '../../domain/viability/window.js';
import { type CheckinAskMode, DEFAULT_ASK_MODE, parseAskMode, storedAskMode } from '../../domain/viability/asked.js';
import type { CheckinRow } from '../../db/repositories/viability.js';
import { scheduleStoppedText } from '../../messages/viability-commands.js';
import type { ScheduleStopHandler } from '../job-handlers.js';
import { postCheckin, scheduleWindowMs, VIABILITY_SCHEDULE } from './checkin.js';
import { ownerTimeZone } from './owner-time-zone.js';

const DEFAULT_NOW_WINDOW_MS = 24 * 3_600_000;
/**
 * On-demand check-ins are limited to one per project per this interval: each one posts to the whole
 * channel, so a repeated `now` would be noise (or abuse).
 */
export const CHECKIN_NOW_INTERVAL_MS = 10 * 60_000;

const refOf = (project: ProjectRow) => String(project.id);

function assertNotRetired(project: ProjectRow): void {
  if (project.phase === 'retired') throw new DomainError('retired', `*${project.slug}* is retired; it has no more viability check-ins.`);
}

async function activeSchedule(deps: Deps, project: ProjectRow): Promise<ScheduleRow | undefined> {
  const existing = await findSchedule(deps.db, VIABILITY_SCHEDULE, refOf(project));
  return existing?.active ? existing : undefined;
}

/** The project's active viability schedule, if any (a retired project has none to show). */
export async function showViabilitySchedule(deps: Deps, project: ProjectRow, actor: Actor): Promise<ScheduleRow | undefined> {
  assertMay('read', actor, project);
  assertNotRetired(project);
  return activeSchedule(deps, project);
}

/**
 * Schedules (or reschedules) a project's check-ins. The time zone defaults to the project owner's
 * Slack zone (ownerTimeZone), not the requester's: a team's schedule should not depend on who typed
 * it. `tzFallback` says the owner's zone could not be read and UTC was used. `ask` is how the
 * people asked are reached: a mention in the channel, or that and a DM each; left out, a schedule
 * keeps its own (changing the cadence, from the flags or the form, does not turn DMs off), and a
 * new one asks in the channel.
 */
export async function setViabilitySchedule(
  deps: Deps,
  project: ProjectRow,
  actor: Actor,
  input: { every: string; tz?: string; window?: string; ask?: string },
): Promise<{ description: string; cron: string; tz: string; tzFallback: boolean; nextRunAt: Date; windowMs: number; ask: CheckinAskMode }> {
  assertMay('manage', actor, project);
  assertNotRetired(project);
  const actorId = actor.userId;
  const now = deps.clock.now();
  const spec = parseScheduleSpec(input.every);
  const ask = input.ask !== undefined ? parseAskMode(input.ask) : await currentAskMode(deps, project);
  const zone = input.tz !== undefined ? { tz: parseTimezone(input.tz), fromSlack: true } : await ownerTimeZone(deps, project);
  const tz = zone.tz;
  assertMinInterval(spec.cron, tz, now, deps.config.minScheduleIntervalSeconds);
  const windowMs = checkinWindowMs(spec.cron, tz, now, input.window ? parseWindow(input.window) : undefined);
  const nextRunAt = nextSlot(spec.cron, tz, now);
  const windowSeconds = Math.round(windowMs / 1000);
  await deps.db.transaction(async (tx) => {
    await upsertSchedule(tx, { teamId: project.teamId, kind: VIABILITY_SCHEDULE, ref: refOf(project), cron: spec.cron, timezone: tz, nextRunAt, options: { windowSeconds, ask }, now });
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId, action: 'viability.schedule_set', detail: { cron: spec.cron, timezone: tz, windowSeconds, ask }, at: now });
  });
  return { description: spec.description, cron: spec.cron, tz, tzFallback: !zone.fromSlack, nextRunAt, windowMs, ask };
}

/** Stops the project's check-ins; false when none were scheduled. */
export async function stopViabilitySchedule(deps: Deps, project: ProjectRow, actor: Actor): Promise<boolean> {
  assertMay('manage', actor, project);
  const actorId = actor.userId;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await deactivateSchedule(tx, VIABILITY_SCHEDULE, refOf(project), now))) return false;
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId, action: 'viability.schedule_off', detail: {}, at: now });
    return true;
  });
}

/**
 * The scheduler could not compute a project's check-in slots any more (a stored cron or zone the app
 * no longer accepts): turns the schedule off and, in the same transaction, queues a message to the
 * project's channel that tells the owner why and how to schedule again, with an audit row. Nothing
 * happens if the schedule was changed or turned off meanwhile (the owner may just have fixed it).
 */
export const stopUnusableViabilitySchedule: ScheduleStopHandler = async (deps, { schedule, reason, now }) => {
  const project = await findProjectById(deps.db, schedule.teamId, Number(schedule.ref));
  const stopped = await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    if (!(await deactivateScheduleIfUnchanged(tx, { id: schedule.id, cron: schedule.cron, timezone: schedule.timezone, now }))) return false;
    if (project) {
      const text = scheduleStoppedText({ slug: project.slug, ownerId: project.ownerId, cron: schedule.cron, tz: schedule.timezone, reason });
      await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, payload: { text }, dedupeKey: `viability-stopped:${schedule.id}:${now.toISOString()}`, now });
    }
    await recordAudit(tx, { teamId: schedule.teamId, projectId: project?.id ?? null, actorId: 'system', action: 'viability.schedule_stopped', detail: { cron: schedule.cron, timezone: schedule.timezone, reason }, at: now });
    return true;
  });
  if (stopped) deps.kickOutbox();
  return stopped;
};

/**
 * Posts a check-in now, with the schedule's window (or `window`, or 24 h). At most one per project
 * per CHECKIN_NOW_INTERVAL_MS: the slot of an on-demand check-in is the start of its interval, so
 * the unique (project, slot) index refuses a second one atomically, on any replica. Null then.
 */
export async function runViabilityNow(deps: Deps, project: ProjectRow, actor: Actor, window?: string): Promise<CheckinRow | null> {
  assertMay('checkin_now', actor, project);
  assertNotRetired(project);
  const actorId = actor.userId;
  const now = deps.clock.now();
  const existing = await activeSchedule(deps, project);
  const windowMs = window ? parseWindow(window) : existing ? scheduleWindowMs(existing) : DEFAULT_NOW_WINDOW_MS;
  const slotAt = new Date(Math.floor(now.getTime() / CHECKIN_NOW_INTERVAL_MS) * CHECKIN_NOW_INTERVAL_MS);
  const ask = existing ? storedAskMode(existing.options) : DEFAULT_ASK_MODE;
  const checkin = await postCheckin(deps, { project, scheduleId: null, slotAt, windowMs, requestedBy: actorId, ask, now });
  if (checkin) await recordAudit(deps.db, { teamId: project.teamId, projectId: project.id, actorId, action: 'viability.checkin_now', detail: { checkinId: checkin.id }, at: now });
  return checkin;
}

/** How the project's active schedule asks, or the default when it has none. */
async function currentAskMode(deps: Deps, project: ProjectRow): Promise<CheckinAskMode> {
  const existing = await activeSchedule(deps, project);
  return existing ? storedAskMode(existing.options) : DEFAULT_ASK_MODE;
}

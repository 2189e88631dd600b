import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { parseScheduleSpec } from '../../domain/schedule/spec.js';
import { type SchedulePreview, schedulePreview } from '../../domain/schedule/preview.js';
import { DomainError } from '../../domain/errors.js';
import { CADENCE_PRESETS, CUSTOM_CADENCE, DEFAULT_CADENCE, type ScheduleFormData } from '../../messages/forms/schedule-form.js';
import { scheduleWindowMs } from './checkin.js';
import { showViabilitySchedule } from './schedule.js';
import { ownerTimeZone } from './owner-time-zone.js';

/** A window as the form's input takes it back: 24h, 90m, 30s. */
function windowText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The preview of a schedule, or the parser's reason for refusing it (shown in the form, not thrown). */
export function previewOf(every: string | undefined, tz: string, now: Date): ScheduleFormData['preview'] {
  if (!every?.trim()) return { ok: false, message: 'Type a custom schedule, or pick a cadence, to see when check-ins will come.' };
  try {
    return { ok: true, value: schedulePreview(every, tz, now) };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, message: err.message };
    throw err;
  }
}

export type { SchedulePreview };

/**
 * The schedule form for a project, prefilled with its current schedule (a preset if it is one,
 * else as a custom cron), zone and window; a new schedule defaults to weekly on Monday 09:00 in the
 * owner's Slack time zone.
 * Only the owner sets schedules, so only the owner gets the form (the submission checks again).
 */
export async function scheduleFormFor(deps: Deps, project: ProjectRow, actor: Actor): Promise<ScheduleFormData> {
  assertMay('manage', actor, project);
  const current = await showViabilitySchedule(deps, project, actor);
  const now = deps.clock.now();
  // A new schedule's zone is the owner's, as with the flags (UTC when Slack cannot say).
  const tz = current?.timezone ?? (await ownerTimeZone(deps, project)).tz;
  const preset = current ? CADENCE_PRESETS.find((p) => parseScheduleSpec(p.every).cron === current.cron) : CADENCE_PRESETS.find((p) => p.every === DEFAULT_CADENCE);
  const cadence = preset?.every ?? CUSTOM_CADENCE;
  const custom = preset ? undefined : current?.cron;
  return {
    projectId: project.id,
    slug: project.slug,
    ...(actor.channelId ? { channelId: actor.channelId } : {}),
    cadence,
    ...(custom ? { custom } : {}),
    tz,
    ...(current ? { window: windowText(scheduleWindowMs(current)) } : {}),
    preview: previewOf(custom ?? cadence, tz, now),
  };
}

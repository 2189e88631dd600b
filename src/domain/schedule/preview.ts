import cronstrue from 'cronstrue';
import { nextSlot } from './slots.js';
import { parseScheduleSpec, parseTimezone } from './spec.js';

export interface SchedulePreview {
  cron: string;
  tz: string;
  /** In words: the app's own description, or cronstrue's for a cron shape the app only quotes. */
  description: string;
  /** The next fire instants, computed by the scheduler's own slot code: what will really happen. */
  next: Date[];
}

/**
 * What a schedule typed in the form will do: the cron the app stores for it, a description in
 * words and the next `count` check-ins. The instants come from nextSlot, the code the scheduler
 * runs, so the preview is true where a description could mislead (daylight-saving changes, a day
 * 31, cronstrue's reading of fields). Throws the parser's DomainError for what it does not accept.
 */
export function schedulePreview(every: string, tzText: string, now: Date, count = 3): SchedulePreview {
  const spec = parseScheduleSpec(every);
  const tz = parseTimezone(tzText);
  const next: Date[] = [];
  let after = now;
  for (let i = 0; i < count; i++) {
    after = nextSlot(spec.cron, tz, after);
    next.push(after);
  }
  return { cron: spec.cron, tz, description: describe(spec.cron, spec.description), next };
}

/** The app describes common shapes; for the rest it only quotes the cron, and cronstrue reads it out. */
function describe(cron: string, own: string): string {
  if (!own.startsWith('on the cron schedule')) return own;
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true });
  } catch {
    return own;
  }
}

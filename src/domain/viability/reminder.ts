/** Windows shorter than this get no reminder: there is no useful moment to remind in them. */
export const MIN_REMINDED_WINDOW_MS = 20 * 60_000;
/** A long window's reminder comes this long before it closes: time to answer in the same working day. */
const LONG_WINDOW_LEAD_MS = 2 * 3_600_000;

/**
 * When a check-in reminds those who have not answered: a quarter of the window before it closes
 * (at 75 %), but never more than 2 h before — for the default 24 h window that is 22 h after the
 * post, late enough that most people answered on their own, early enough to answer before the
 * close. Null for windows under 20 minutes, where a reminder would only add noise.
 */
export function reminderDueAt(postedAt: Date, closesAt: Date): Date | null {
  const windowMs = closesAt.getTime() - postedAt.getTime();
  if (windowMs < MIN_REMINDED_WINDOW_MS) return null;
  return new Date(closesAt.getTime() - Math.min(windowMs / 4, LONG_WINDOW_LEAD_MS));
}

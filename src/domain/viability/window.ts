import { DomainError } from '../errors.js';
import { formatDuration } from '../gates/deadline.js';
import { minIntervalSeconds } from '../schedule/slots.js';

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a response window such as "24h", "90m", "2d", "30s". */
export function parseWindow(text: string): number {
  const m = /^(\d{1,6})\s*([smhd])$/i.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]! : 0;
  if (!ms) throw new DomainError('invalid_window', `"${text}" is not a response window: write a number and a unit, e.g. 24h, 90m, 2d or 30s.`);
  if (ms > 30 * UNIT_MS.d!) throw new DomainError('invalid_window', `The response window ${text} is longer than 30 days.`);
  return ms;
}

/**
 * How long a scheduled check-in collects answers: the requested window, or 24 h, but never longer
 * than the gap to the next check-in — so at most one check-in of a project is open at a time. A
 * requested window longer than that gap is refused rather than silently shortened.
 */
export function checkinWindowMs(cron: string, tz: string, now: Date, requestedMs?: number): number {
  const gapMs = minIntervalSeconds(cron, tz, now) * 1000;
  if (requestedMs === undefined) return Math.min(DEFAULT_WINDOW_MS, gapMs);
  if (requestedMs > gapMs) {
    throw new DomainError('window_too_long', `The response window (${formatDuration(requestedMs)}) is longer than the time between check-ins (${formatDuration(gapMs)}); choose a shorter --window.`);
  }
  return requestedMs;
}

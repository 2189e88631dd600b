import type { ViabilityVerdict } from './answers.js';

/** A closed check-in as the trend shows it. */
export interface TrendPoint {
  verdict: ViabilityVerdict;
  closedAt: Date;
}

/** How many check-ins the trend shows. */
export const TREND_LENGTH = 5;

export const VERDICT_SYMBOLS: Record<ViabilityVerdict, string> = { on_track: '🟢', at_risk: '🟡', not_viable: '🔴', no_responses: '⚪' };

/** The symbols of the trend, oldest first ("🟢 🟢 🟡 🔴 🟢"). */
export function trendSymbols(points: readonly TrendPoint[]): string {
  return points.map((p) => VERDICT_SYMBOLS[p.verdict]).join(' ');
}

/**
 * How many check-ins in a row, ending with the newest of `newestFirst`, nobody answered. A check-in
 * that got answers ends the run.
 */
export function silentRun(newestFirst: readonly ViabilityVerdict[]): number {
  let n = 0;
  for (const v of newestFirst) {
    if (v !== 'no_responses') break;
    n++;
  }
  return n;
}

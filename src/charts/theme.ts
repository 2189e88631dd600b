/** Colours shared by every chart; exported so tests can look for them in the SVG and the pixels. */
export const CHART_COLORS = {
  text: '#222222',
  mutedText: '#646464',
  grid: '#e4e4e4',
  series: '#1f77b4',
  best: '#2ca02c',
  target: '#d62728',
  reference: '#9e9e9e',
  current: '#1f77b4',
} as const;

/**
 * One colour per run when runs are compared, best run first: none of them the target's red or the
 * "best so far" green, so a run is never read as either.
 */
export const RUN_PALETTE = ['#1f77b4', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'] as const;

/** Bounds for a chart's width and height in pixels: below this text overlaps, above it Slack only scales down. */
export const MIN_CHART_SIZE = 200;
export const MAX_CHART_SIZE = 2000;

/** A requested size clamped to the bounds; a non-finite one is a caller bug, so it throws. */
export function chartSize(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value)) throw new Error(`Chart ${name} must be a finite number, got ${value}.`);
  return Math.min(MAX_CHART_SIZE, Math.max(MIN_CHART_SIZE, Math.round(value)));
}

/**
 * A d3 number format for an axis whose values reach `maxAbs`: SI suffixes (12k, 3.4M) for big
 * values, else up to 6 significant digits. The precision is explicit because without one Vega
 * derives it from the tick step and writes 100, 150, 200 as "1e+2, 1.5e+2, 2e+2".
 */
export function axisNumberFormat(maxAbs: number): string {
  return maxAbs >= 1e4 ? '~s' : '.6~g';
}

/**
 * How a metric value is shown to people: in Slack messages and on charts alike, so a number
 * reads the same in a run summary as in the chart posted beside it.
 */

const SUFFIXES: readonly [number, string][] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Shortest decimal form after rounding to `digits` significant digits (drops float noise). */
function shortNumber(value: number, digits: number): string {
  return String(Number(value.toPrecision(digits)));
}

function shortExponential(value: number, digits: number): string {
  return Number(value.toPrecision(digits)).toExponential(); // "1e-3", "2.5e-4"
}

/** One value, compactly: 0.8534, 12.3, 1.2k, 3.4M, 1e-3. */
export function formatValue(value: number, digits = 4): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e15) return shortExponential(value, digits);
  for (const [unit, suffix] of SUFFIXES) {
    if (abs >= unit) return `${shortNumber(value / unit, digits)}${suffix}`;
  }
  if (abs < 0.01) return shortExponential(value, digits);
  return shortNumber(value, digits);
}

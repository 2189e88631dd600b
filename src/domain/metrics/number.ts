import { DomainError } from '../errors.js';

/**
 * A decimal number as people and CI write it: `0.91`, `-3`, `.5`, `5.`, `+2`, `1e-3`, `1.2E+4`.
 * Shared with the success-metric parser so both accept exactly the same numbers.
 *
 * Deliberately refused: `1,000` and `0,91` (a comma is a thousands separator in some locales
 * and a decimal mark in others, and it separates metrics in lists), `1_000`, hex/binary
 * (`0x10`), `NaN`, `Infinity`, and units such as `200ms` (a unit belongs to the metric's name,
 * see success-metric.ts).
 */
export const DECIMAL_SOURCE = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;

const NUMBER = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?\s*(%)?$/;

/** Long user input is cut so an error message stays one readable line in Slack. */
function quote(text: string): string {
  const t = text.trim();
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

export function invalidNumber(text: string): DomainError {
  return new DomainError(
    'invalid_number',
    `"${quote(text)}" is not a number (use 0.91, 91% or 1e-3).`,
  );
}

/**
 * Parses a metric value; `91%` is the fraction 0.91. The percent shift is done on the decimal
 * exponent rather than by dividing by 100, so `9.1%` is exactly the double nearest 0.091.
 */
export function parseMetricNumber(text: string): number {
  const match = NUMBER.exec(text.trim());
  if (!match) throw invalidNumber(text);
  const [, mantissa, exponentText, percent] = match;
  const exponent = Number(exponentText ?? '0') - (percent ? 2 : 0);
  const value = Number(`${mantissa}e${exponent}`);
  if (!Number.isFinite(value)) throw invalidNumber(text);
  // -0 would print as "0" but compare oddly with Object.is; nobody means a signed zero.
  return value === 0 ? 0 : value;
}

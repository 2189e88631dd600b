/** Generated samples for the drift ingestion tests (the API and the evaluation pool). */
import { evaluateDataset, type ColumnInput } from '../../src/domain/drift/evaluate.js';
import type { DriftSettingsInput } from '../../src/domain/drift/settings.js';
import type { RawValue } from '../../src/domain/drift/values.js';

/** The seeded PRNG (mulberry32) of the drift helpers: test data is the same on every run. */
export { seeded as rng } from './drift.js';

/** n normal values, rounded to 4 decimals as sensors and CSV files give them. */
export function normals(random: () => number, n: number, mean = 0, sd = 1): number[] {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - random();
    const v = random();
    out[i] = Math.round((mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)) * 1e4) / 1e4;
  }
  return out;
}

export function choices<T>(random: () => number, options: readonly T[], weights: readonly number[], n: number): T[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let x = random() * total;
    for (let i = 0; i < options.length; i++) {
      x -= weights[i]!;
      if (x < 0) return options[i]!;
    }
    return options[options.length - 1]!;
  });
}

export type JsonColumn = (number | string | null | boolean)[];

/** The same data as CSV: a header row, an empty cell for null, quotes where needed. */
export function toCsv(columns: Record<string, JsonColumn>): string {
  const names = Object.keys(columns);
  const cell = (v: number | string | null | boolean | undefined) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = columns[names[0]!]!.length;
  const lines = [names.map(cell).join(',')];
  for (let i = 0; i < rows; i++) lines.push(names.map((n) => cell(columns[n]![i])).join(','));
  return `${lines.join('\n')}\n`;
}

/** A JSON numeric column as the statistics read it: the missing-number strings become the numbers they stand for. */
function asStatsValues(values: JsonColumn): RawValue[] {
  return values.map((v) => {
    if (typeof v !== 'string') return v;
    if (/^nan$/i.test(v)) return NaN;
    const inf = /^([+-]?)inf(inity)?$/i.exec(v);
    return inf ? (inf[1] === '-' ? -Infinity : Infinity) : v;
  });
}

/**
 * What the report's drift part must be, computed here straight from the domain's evaluateDataset
 * on the same values (categorical numbers as their text, as the API reads them): the API must add
 * nothing and lose nothing on the way.
 */
export function expectedDrift(
  reference: Record<string, JsonColumn>,
  current: Record<string, JsonColumn>,
  kinds: Record<string, 'numeric' | 'categorical'>,
  settings?: DriftSettingsInput,
) {
  const inputs: Record<string, ColumnInput> = {};
  for (const name of Object.keys(current)) {
    const read = (v: JsonColumn) => (kinds[name] === 'categorical' ? v.map((x) => (x === null ? null : String(x))) : asStatsValues(v));
    inputs[name] = { reference: read(reference[name]!), current: read(current[name]!) };
  }
  // Through JSON, as the API answers it.
  return JSON.parse(JSON.stringify(evaluateDataset(inputs, settings))) as ReturnType<typeof evaluateDataset>;
}

import type { ColumnKind } from './default-test.js';
import { DriftInputError, printable } from './input-error.js';
import { DRIFT_UPLOAD_LIMITS } from './limits.js';
import { noneMissing, type MissingCounts } from './values.js';

/**
 * The columns of a drift upload as the statistics take them, and the rules they are checked with.
 *
 * A numeric column is a Float64Array. Missing values are NaN, and a null is told apart from a NaN
 * that was sent as such by its bit pattern: a quiet NaN with payload 1 (`NULL_NAN`). Any reader
 * sees NaN (a missing value); the pattern only lets the report count nulls and NaNs separately,
 * through the worker threads and the stored reference bytes, without a second array. Only byte
 * copies (`slice`, `set`, Buffer) keep the pattern, which is all these arrays go through.
 * A categorical column is an array of strings with null for missing values.
 */

export type TypedColumn = { kind: 'numeric'; values: Float64Array } | { kind: 'categorical'; values: (string | null)[] };

export type ColumnRole = 'feature' | 'prediction' | 'label';

/** The names predictions and labels take among the columns of a report, and in a CSV header. */
export const PREDICTION_COLUMN = '__prediction';
export const LABEL_COLUMN = '__label';
// A Map, not an object: a column may be called "constructor" or "toString".
const ROLE_OF_RESERVED = new Map<string, ColumnRole>([
  [PREDICTION_COLUMN, 'prediction'],
  [LABEL_COLUMN, 'label'],
]);


// Little-endian words of the null marker: low word 1, high word 0x7ff80000 (a quiet NaN).
const NULL_LO = 1;
const NULL_HI = 0x7ff80000;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const [LO, HI] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/** A Float64Array over shared memory when asked: worker threads then read it without a copy. */
export function float64Array(n: number, shared = false): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

export function markNull(values: Float64Array, i: number): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  words[2 * i + LO] = NULL_LO;
  words[2 * i + HI] = NULL_HI;
}

/** How many values of a numeric column were sent as null (the rest of its NaNs were sent as NaN). */
export function countNulls(values: Float64Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (words[2 * i + LO] === NULL_LO && words[2 * i + HI] === NULL_HI) n++;
  return n;
}

/** Missing values of a column as the report counts them. */
export function missingOf(column: TypedColumn): MissingCounts & { present: number } {
  const m = { ...noneMissing(), present: 0 };
  if (column.kind === 'categorical') {
    for (const v of column.values) {
      if (v === null) m.null++;
      else m.present++;
    }
    return m;
  }
  for (const v of column.values) {
    if (Number.isNaN(v)) m.nan++;
    else if (!Number.isFinite(v)) m.infinite++;
    else m.present++;
  }
  m.null = countNulls(column.values);
  m.nan -= m.null;
  return m;
}

/** The stored form of a numeric column: little-endian float64 bytes (the null marker included). */
export function float64Bytes(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    view.setUint32(8 * i, words[2 * i + LO]!, true);
    view.setUint32(8 * i + 4, words[2 * i + HI]!, true);
  }
  return out;
}

/** Reads stored float64 bytes into a new (optionally shared) array; the bytes may sit at any offset. */
export function fromFloat64Bytes(bytes: Uint8Array, shared = false): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new RangeError(`float64 column of ${bytes.byteLength} bytes`);
  const out = float64Array(bytes.byteLength / 8, shared);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    words[2 * i + LO] = view.getUint32(8 * i, true);
    words[2 * i + HI] = view.getUint32(8 * i + 4, true);
  }
  return out;
}

/**
 * A column name: 1–100 characters, no control, format (bidi, zero-width) or line-separator
 * characters, which would make two different names look the same in a report or an alert.
 * `__prediction` and `__label` are taken by predictions and labels; `__proto__` cannot be a key.
 */
export function checkColumnName(name: string, field: string, opts: { reservedAllowed?: boolean } = {}): void {
  const shown = printable(name);
  if (name.length === 0) throw new DriftInputError('invalid_request', `${field}: a column name is empty.`, field);
  if (name.length > DRIFT_UPLOAD_LIMITS.nameLength) throw new DriftInputError('invalid_request', `${field}: column name "${shown}" is ${name.length} characters; the limit is ${DRIFT_UPLOAD_LIMITS.nameLength}.`, field);
  // \p{Cs}: an unpaired surrogate (JSON's "\ud800"), not a character, and refused by PostgreSQL's jsonb.
  const bad = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.exec(name);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new DriftInputError('invalid_request', `${field}: column name "${shown}" holds U+${code}, a control or invisible character.`, field);
  }
  if (name === '__proto__') throw new DriftInputError('invalid_request', `${field}: "__proto__" cannot be a column name.`, field);
  const reserved = ROLE_OF_RESERVED.get(name);
  if (!opts.reservedAllowed && reserved) {
    throw new DriftInputError('invalid_request', `${field}: "${name}" is reserved for ${reserved}s; send them as "${reserved}s".`, field);
  }
}

/** Column names in one message, at most 10 of them. */
export function nameList(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => `"${printable(n)}"`);
  return names.length > 10 ? `${shown.join(', ')} and ${names.length - 10} more` : shown.join(', ');
}

/**
 * Where a cell came from, for error messages: JSON rows are array indices, CSV rows are lines
 * (a quoted cell may span lines, so the parser's own line numbers are kept).
 */
export interface CellLocator {
  describe(row: number): string;
}
export const jsonRows: CellLocator = { describe: (row) => `row ${row}` };

/** The missing-number spellings: JSON carries no NaN, so these strings stand for it (case-insensitive). */
const NAN_TOKEN = /^nan$/i;
const INF_TOKEN = /^([+-]?)inf(inity)?$/i;
/** A decimal number as CSV writers print it; no hex, no empty string (Number('') is 0). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A non-finite number a string stands for, or undefined when it is no such token. */
function nonFiniteToken(s: string): number | undefined {
  const t = s.trim();
  if (NAN_TOKEN.test(t)) return NaN;
  const inf = INF_TOKEN.exec(t);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** The number a CSV cell holds (finite or a token), or undefined when it is text. */
function csvNumber(s: string): number | undefined {
  const t = s.trim();
  if (DECIMAL.test(t)) return Number(t);
  return nonFiniteToken(t);
}

export type CellSource = 'json' | 'csv';

/**
 * A column's kind when nobody declared it: numeric when every present value is a finite number
 * (missing-number tokens aside), else categorical. In JSON a column holding both numbers and text
 * is refused, as it is most likely a bug upstream; in CSV every cell is text, so a column with any
 * cell that is not a number is simply categorical.
 */
export function inferKind(values: readonly unknown[], source: CellSource, name: string, field: string, at: CellLocator): ColumnKind {
  let firstNumber = -1;
  let firstText = -1;
  for (let i = 0; i < values.length && (firstNumber < 0 || firstText < 0); i++) {
    const v = values[i];
    if (v === null) continue;
    if (typeof v === 'number') {
      if (firstNumber < 0) firstNumber = i;
    } else if (typeof v === 'string') {
      const n = source === 'csv' ? csvNumber(v) : nonFiniteToken(v);
      if (n !== undefined) {
        // A missing-number token says "numeric" only in CSV, where every number is text.
        if (source === 'csv' && Number.isFinite(n) && firstNumber < 0) firstNumber = i;
      } else if (firstText < 0) firstText = i;
    } else if (typeof v === 'boolean') {
      if (firstText < 0) firstText = i;
    } else {
      throw badCell(name, field, at, i, v);
    }
  }
  if (source === 'json' && firstNumber >= 0 && firstText >= 0) {
    throw new DriftInputError(
      'invalid_request',
      `${field}: column "${printable(name)}" mixes numbers (${at.describe(firstNumber)}) and text (${at.describe(firstText)}: ${JSON.stringify(printable(String(values[firstText]), 40))}). Send one type, or declare the column categorical.`,
      field,
    );
  }
  return firstText >= 0 ? 'categorical' : 'numeric';
}

function badCell(name: string, field: string, at: CellLocator, row: number, v: unknown): DriftInputError {
  const what = Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
  return new DriftInputError('invalid_request', `${field}: column "${printable(name)}" holds ${what} at ${at.describe(row)}; values are numbers, strings or null.`, field);
}

/**
 * A column's values in the kind it has (from the reference, a declaration or inference). Numeric:
 * numbers; null, and the strings NaN, Infinity and -Infinity (any case; CSV also inf and an empty
 * cell) are missing values, counted in the report. Categorical: strings, with numbers and booleans
 * read as their text so JSON and CSV uploads of the same data agree; null is missing.
 */
export function typedColumn(values: readonly unknown[], kind: ColumnKind, source: CellSource, name: string, field: string, at: CellLocator, shared = false): TypedColumn {
  if (kind === 'categorical') {
    const out: (string | null)[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) out[i] = v;
      else if (typeof v === 'string') {
        // An unpaired surrogate (JSON's "\ud800") is not text: PostgreSQL refuses it in the jsonb the report is stored in.
        if (!v.isWellFormed()) throw new DriftInputError('invalid_request', `${field}: column "${printable(name)}" holds an unpaired surrogate (a lone \\ud800–\\udfff escape) at ${at.describe(i)}, which is not valid Unicode.`, field);
        out[i] = v;
      } else if (typeof v === 'number' || typeof v === 'boolean') out[i] = String(v);
      else throw badCell(name, field, at, i, v);
    }
    return { kind, values: out };
  }
  const out = float64Array(values.length, shared);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null) markNull(out, i);
    else if (typeof v === 'string') {
      const n = source === 'csv' ? csvNumber(v) : nonFiniteToken(v);
      if (n === undefined) {
        throw new DriftInputError(
          'invalid_request',
          `${field}: column "${printable(name)}" is numeric, but ${at.describe(i)} holds ${JSON.stringify(printable(v, 40))}. Numbers, null and the strings "NaN", "Infinity", "-Infinity" are accepted.`,
          field,
        );
      }
      out[i] = n;
    } else if (typeof v === 'boolean') {
      throw new DriftInputError('invalid_request', `${field}: column "${printable(name)}" is numeric, but ${at.describe(i)} holds ${v}.`, field);
    } else throw badCell(name, field, at, i, v);
  }
  return { kind, values: out };
}

export function roleOfColumn(name: string): ColumnRole {
  return ROLE_OF_RESERVED.get(name) ?? 'feature';
}

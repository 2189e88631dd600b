import { describe, expect, it } from 'vitest';
import { checkColumnName, countNulls, float64Bytes, fromFloat64Bytes, inferKind, jsonRows, markNull, missingOf, typedColumn } from '../../../src/domain/drift/columns.js';
import { DriftInputError } from '../../../src/domain/drift/input-error.js';
import { errorOf } from '../../helpers/errors.js';

const refusal = (fn: () => unknown): DriftInputError => errorOf(fn, DriftInputError);

describe('numeric columns: nulls marked apart from NaN, through bytes and shared memory', () => {
  it('a marked null reads as NaN but is counted as null; NaN and ±Infinity as themselves', () => {
    const col = typedColumn([1.5, null, 'NaN', 'Infinity', '-inf', null, 2], 'numeric', 'json', 'x', 'features.x', jsonRows);
    expect(col.kind).toBe('numeric');
    const v = col.values as Float64Array;
    expect(Number.isNaN(v[1]!)).toBe(true);
    expect(Array.from(v).slice(3, 5)).toEqual([Infinity, -Infinity]);
    expect(countNulls(v)).toBe(2);
    expect(missingOf(col)).toEqual({ present: 2, null: 2, nan: 1, infinite: 2 });
  });

  it('keeps the marker through float64 bytes (stored) and a shared copy (sent to workers)', () => {
    const v = new Float64Array([0.1, NaN, -3, 0, 1e300]);
    markNull(v, 3);
    const back = fromFloat64Bytes(Buffer.from(float64Bytes(v)), true);
    expect(back.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(countNulls(back)).toBe(1);
    expect(Array.from(back.slice(0, 3))).toEqual([0.1, NaN, -3]);
    expect(Array.from(float64Bytes(new Float64Array([1])))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('reads stored bytes at any offset (a driver may hand over a slice of a larger buffer)', () => {
    const bytes = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(float64Bytes(new Float64Array([4.25, -1])))]).subarray(3);
    expect(Array.from(fromFloat64Bytes(bytes))).toEqual([4.25, -1]);
    expect(() => fromFloat64Bytes(new Uint8Array(7))).toThrow(RangeError);
  });
});

describe('kinds', () => {
  it('numeric when every present value is a number, tokens and nulls aside; categorical otherwise', () => {
    expect(inferKind([1, null, 'NaN', 2.5], 'json', 'a', 'features.a', jsonRows)).toBe('numeric');
    expect(inferKind([null, 'NaN'], 'json', 'a', 'features.a', jsonRows)).toBe('numeric');
    expect(inferKind(['x', null, true], 'json', 'a', 'features.a', jsonRows)).toBe('categorical');
    expect(inferKind(['1', '2.5e3', '', 'nan'].map((s) => (s === '' ? null : s)), 'csv', 'a', 'features.a', jsonRows)).toBe('numeric');
    // In CSV every cell is text: one that is not a number makes the column categorical, not an error.
    expect(inferKind(['1', 'S', '2'], 'csv', 'a', 'features.a', jsonRows)).toBe('categorical');
    // Hex and blank-looking cells are text, not numbers.
    expect(inferKind(['0x10'], 'csv', 'a', 'features.a', jsonRows)).toBe('categorical');
  });

  it('refuses a JSON column mixing numbers and text, naming the column and both rows', () => {
    const e = refusal(() => inferKind([1, 2, 'three'], 'json', 'size', 'features.size', jsonRows));
    expect(e).toMatchObject({ code: 'invalid_request', field: 'features.size' });
    expect(e.message).toContain('mixes numbers (row 0) and text (row 2: "three")');
  });

  it('reads numbers and booleans of a categorical column as their text', () => {
    expect(typedColumn([10115, true, null, 'x'], 'categorical', 'json', 'zip', 'features.zip', jsonRows).values).toEqual(['10115', 'true', null, 'x']);
  });

  it('refuses a value of the wrong kind, naming the row', () => {
    expect(refusal(() => typedColumn([1, 'abc'], 'numeric', 'json', 'a', 'features.a', jsonRows)).message).toContain('row 1 holds "abc"');
    expect(refusal(() => typedColumn([[1]], 'categorical', 'json', 'a', 'features.a', jsonRows)).message).toContain('an array at row 0');
  });
});

describe('column names', () => {
  it.each([
    ['', 'empty'],
    ['x'.repeat(101), '101 characters'],
    ['tab\there', 'U+0009'],
    ['zero\u200bwidth', 'U+200B'],
    ['rtl\u202e', 'U+202E'],
    ['__proto__', '__proto__'],
    ['__label', 'reserved'],
  ])('refuses %j', (name, says) => {
    expect(refusal(() => checkColumnName(name, 'features')).message).toContain(says);
  });

  it('accepts ordinary names, spaces and non-Latin letters included', () => {
    for (const name of ['age', 'Monthly charges ($)', 'температура', 'x'.repeat(100)]) expect(() => checkColumnName(name, 'features')).not.toThrow();
  });
});

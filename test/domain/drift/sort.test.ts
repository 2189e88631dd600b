import { describe, it, expect } from 'vitest';
import { sortedCopy } from '../../../src/domain/drift/sort.js';
import { lcgSample } from './fixtures.js';

describe('sortedCopy', () => {
  it('sorts like Float64Array.prototype.sort on the radix path: signs, zeros, subnormals, huge values', () => {
    const n = 100_000;
    const values = lcgSample({ seed: 7, n, kind: 'irwinhall', loc: 0, scale: 1 });
    for (let i = 0; i < n; i += 7) values[i] = values[i]! * 1e300;
    for (let i = 3; i < n; i += 11) values[i] = values[i]! * 1e-310;
    values[1] = -0;
    values[2] = 0;
    values[5] = Number.MAX_VALUE;
    values[6] = -Number.MAX_VALUE;
    const expected = values.slice().sort();
    const got = sortedCopy(values);
    expect(got.length).toBe(n);
    for (let i = 0; i < n; i++) if (!Object.is(got[i], expected[i])) expect.fail(`index ${i}: ${got[i]} vs ${expected[i]}`);
  });

  it('leaves its input alone and handles a sample of one repeated value', () => {
    const same = new Float64Array(50_000).fill(2.5);
    same[0] = 1;
    const got = sortedCopy(same);
    expect(same[0]).toBe(1);
    expect(got[0]).toBe(1);
    expect(got[49_999]).toBe(2.5);
  });

  it('sorts small arrays numerically', () => {
    expect(Array.from(sortedCopy(Float64Array.from([10, 9, 1, -2])))).toEqual([-2, 1, 9, 10]);
  });
});

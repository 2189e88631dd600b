import { describe, it, expect } from 'vitest';
import { jensenShannon } from '../../../src/domain/drift/jensen-shannon.js';
import { expectRelative, fixtures } from './fixtures.js';

describe('jensenShannon against scipy.spatial.distance.jensenshannon(base=2)', () => {
  for (const c of fixtures.jensenshannon) {
    it(`${JSON.stringify(c.p).slice(0, 40)} vs ${JSON.stringify(c.q).slice(0, 40)}`, () => {
      expectRelative(jensenShannon(c.p, c.q), c.distance, 1e-9);
    });
  }

  it('is 1 for disjoint supports and 0 for proportional counts', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBe(1);
    expect(jensenShannon([1, 2, 3], [10, 20, 30])).toBe(0);
  });

  it('refuses vectors of different lengths or with nothing in them', () => {
    expect(() => jensenShannon([1, 2], [1])).toThrow(RangeError);
    expect(() => jensenShannon([0, 0], [1, 1])).toThrow(RangeError);
  });
});

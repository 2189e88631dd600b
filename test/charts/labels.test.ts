import { describe, it, expect } from 'vitest';
import { middleEllipsis } from '../../src/charts/labels.js';

describe('middleEllipsis', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly-10', 10, 'exactly-10'],
    ['xgboost-baseline-seed=1', 12, 'xgboo…seed=1'],
    ['xgboost-baseline-seed=2', 12, 'xgboo…seed=2'],
    ['café—très—long', 6, 'ca…ong'],
    ['😀😀😀😀😀😀', 4, '😀…😀😀'],
  ])('shortens %j to %d characters as %j', (text, max, expected) => {
    expect(middleEllipsis(text, max)).toBe(expected);
    expect(Array.from(middleEllipsis(text, max)).length).toBeLessThanOrEqual(max);
  });
});

import { describe, it, expect } from 'vitest';
import { formatMetric } from '../../src/shared/format-metric.js';

describe('formatMetric', () => {
  it.each([
    [0, '0'],
    [0.85, '0.85'],
    [0.84567, '0.8457'],
    [12.3456, '12.35'],
    [1200, '1.2k'],
    [-2_500_000, '-2.5M'],
    [3e9, '3B'],
    [2e15, '2e+15'],
    [0.001, '1e-3'],
    [0.00025, '2.5e-4'],
    [0.1 + 0.2, '0.3'],
  ])('formats %d as %j', (value, expected) => {
    expect(formatMetric(value)).toBe(expected);
  });

  it('keeps more digits when asked', () => {
    expect(formatMetric(0.845678, 6)).toBe('0.845678');
  });
});

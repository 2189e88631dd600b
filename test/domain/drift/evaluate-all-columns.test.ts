import { describe, expect, it } from 'vitest';
import { evaluateDataset } from '../../../src/domain/drift/evaluate.js';

const reference = Float64Array.from({ length: 200 }, (_, i) => i);
const current = Float64Array.from({ length: 200 }, (_, i) => i + 20);

describe("settings for every column ('*')", () => {
  it('apply to each column without its own overrides, and do not merge into those that have some', () => {
    const r = evaluateDataset(
      { a: { reference, current }, b: { reference, current } },
      { columns: { '*': { test: 'psi', threshold: 0.5 }, b: { threshold: 0.01 } } },
    );
    const [a, b] = r.columns;
    expect(a).toMatchObject({ name: 'a', test: 'psi', threshold: 0.5 });
    expect(b).toMatchObject({ name: 'b', test: 'ks', threshold: 0.01 });
  });
});

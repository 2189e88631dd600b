import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../src/db/repositories/runs.js';
import { comparedRuns } from '../../../src/services/experiments/leaderboard.js';

const run = (id: number, name: string | null, metrics: Record<string, number>) => ({ id, name, metrics }) as unknown as RunRow;
const AUC = { name: 'auc', direction: 'maximize' as const, target: 0.85 };
const LATENCY = { name: 'latency_ms', direction: 'minimize' as const, target: 200 };

describe('which runs and metrics the comparison chart shows', () => {
  it('the brief’s target metrics that any top run reports, with their targets', () => {
    const top = [run(1, 'a', { auc: 0.9, f1: 0.5 }), run(2, 'b', { auc: 0.8, latency_ms: 120 })];
    expect(comparedRuns(top, 'auc', [AUC, LATENCY, { name: 'recall', direction: 'maximize', target: 0.5 }])).toEqual({
      metrics: [
        { name: 'auc', direction: 'maximize', target: 0.85 },
        { name: 'latency_ms', direction: 'minimize', target: 200 },
      ],
      runs: [
        { label: 'a', values: { auc: 0.9, f1: 0.5 } },
        { label: 'b', values: { auc: 0.8, latency_ms: 120 } },
      ],
    });
  });

  it('without targets, the metrics all top runs share, the ranking metric first, directions from the names, at most six', () => {
    const metrics = Object.fromEntries(['z', 'y', 'x', 'w', 'v', 'u', 't', 'loss'].map((m, i) => [m, i]));
    const top = [run(1, null, metrics), run(2, 'b', { ...metrics, only_here: 1 })];
    const picked = comparedRuns(top, 'loss', [])!;
    expect(picked.metrics.map((m) => m.name)).toEqual(['loss', 't', 'u', 'v', 'w', 'x']);
    expect(picked.metrics[0]).toEqual({ name: 'loss', direction: 'minimize' });
    expect(picked.runs.map((r) => r.label)).toEqual(['run #1', 'b']);
  });

  it('the top five runs at most, and nothing for a single run or runs with nothing in common', () => {
    const many = Array.from({ length: 8 }, (_, i) => run(i + 1, `r${i}`, { auc: i }));
    expect(comparedRuns(many, 'auc', [AUC])!.runs).toHaveLength(5);
    expect(comparedRuns([run(1, 'a', { auc: 1 })], 'auc', [AUC])).toBeNull();
    expect(comparedRuns([run(1, 'a', { auc: 1 }), run(2, 'b', { f1: 1 })], 'auc', [])).toBeNull();
  });
});

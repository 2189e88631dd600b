import { describe, expect, it } from 'vitest';
import { acceptNarrative } from '../../../src/domain/experiments/narrative.js';
import { briefTargets, differingParams, primaryMetric, summarizeRun, type RunFacts } from '../../../src/domain/experiments/summary.js';
import { RunInput } from '../../../src/domain/experiments/run-input.js';

const TARGETS = [
  { name: 'auc', direction: 'maximize' as const, target: 0.85 },
  { name: 'latency_ms', direction: 'minimize' as const, target: 200 },
];

const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  run: { id: 7, name: null, metrics: { auc: 0.9, latency_ms: 150, f1: 0.7 } },
  targets: TARGETS,
  bestBefore: new Map(),
  rank: null,
  earlierRunMetAll: false,
  ...over,
});

describe('summarizeRun', () => {
  it('says per target whether it is met and by how much, in the target direction', () => {
    const s = summarizeRun(facts({ run: { id: 7, name: 'rf', metrics: { auc: 0.8, latency_ms: 150 } } }));
    expect(s.targets.map((t) => [t.name, t.met, Number(t.delta!.toFixed(6))])).toEqual([
      ['auc', false, -0.05],
      ['latency_ms', true, 50],
    ]);
    expect(s.allTargetsMet).toBe(false);
    expect(s.runLabel).toBe('rf');
  });

  it('a target the run does not report is neither met nor missed, and blocks "every target met"', () => {
    const s = summarizeRun(facts({ run: { id: 7, name: null, metrics: { auc: 0.9 } } }));
    expect(s.targets[1]).toMatchObject({ name: 'latency_ms', value: null, met: null });
    expect(s.allTargetsMet).toBe(false);
    expect(s.runLabel).toBe('run #7');
  });

  it.each([
    ['better', { auc: 0.85 }, 'better'],
    ['worse', { auc: 0.95 }, 'worse'],
    ['tie', { auc: 0.9 }, 'tie'],
  ] as const)('compares with the best earlier value: %s', (_name, prev, verdict) => {
    const s = summarizeRun(facts({ bestBefore: new Map([['auc', { value: prev.auc, runLabel: 'x' }]]) }));
    expect(s.vsBest.find((b) => b.name === 'auc')!.verdict).toBe(verdict);
  });

  it('a minimized metric is better when lower; a metric never seen before is "first"', () => {
    const s = summarizeRun(facts({ bestBefore: new Map([['latency_ms', { value: 180, runLabel: 'x' }]]) }));
    expect(s.vsBest.find((b) => b.name === 'latency_ms')!.verdict).toBe('better');
    expect(s.vsBest.find((b) => b.name === 'f1')!.verdict).toBe('first');
    // Targets first, in the brief's order, then the rest.
    expect(s.vsBest.map((b) => b.name)).toEqual(['auc', 'latency_ms', 'f1']);
  });

  it('suggests the deployment gate only for the first run to meet every target', () => {
    expect(summarizeRun(facts()).firstToMeetAll).toBe(true);
    expect(summarizeRun(facts({ earlierRunMetAll: true })).firstToMeetAll).toBe(false);
    expect(summarizeRun(facts({ targets: [] })).firstToMeetAll).toBe(false);
  });
});

describe('briefTargets and primaryMetric', () => {
  it.each([
    ['no brief', null, []],
    ['a brief without metrics', { problem: 'x' }, []],
    ['metrics set to null', { successMetrics: null }, []],
    ['an unreadable brief', { successMetrics: 'auc > 0.8' }, []],
    ['a brief with metrics', { successMetrics: TARGETS }, TARGETS],
  ])('%s', (_name, brief, expected) => {
    expect(briefTargets(brief)).toEqual(expected);
  });

  it('prefers --metric, then the first success metric, then the most reported metric', () => {
    expect(primaryMetric(TARGETS, 'latency_ms', [])).toEqual({ name: 'latency_ms', direction: 'minimize' });
    expect(primaryMetric(TARGETS, undefined, ['f1'])).toEqual({ name: 'auc', direction: 'maximize' });
    expect(primaryMetric([], undefined, ['val_loss', 'acc'])).toEqual({ name: 'val_loss', direction: 'minimize' });
    expect(primaryMetric([], undefined, [])).toBeNull();
  });
});

describe('differingParams', () => {
  it('lists keys whose values differ, a missing param counting as different', () => {
    expect(differingParams([{ params: { lr: '0.1', depth: '6' } }, { params: { lr: '0.2', depth: '6' } }, { params: { depth: '6', seed: '1' } }])).toEqual(['lr', 'seed']);
    expect(differingParams([{ params: { lr: '0.1' } }])).toEqual([]);
  });
});

describe('acceptNarrative', () => {
  it.each([
    ['keeps up to three sentences', 'One. Two! Three? Four.', 'One. Two! Three?'],
    ['allows digits inside metric names', 'The f1 score keeps rising.', 'The f1 score keeps rising.'],
    ['refuses a stated number', 'AUC reached 0.93.', null],
    ['refuses a number written next to a metric name', 'f1 is now 7 points up.', null],
    ['refuses empty text', '   ', null],
  ])('%s', (_name, text, expected) => {
    expect(acceptNarrative(text, ['f1', 'auc'])).toBe(expected);
  });
});

describe('RunInput', () => {
  it('reads percentages and exponents, and keeps params as text', () => {
    expect(RunInput.parse({ metrics: { auc: '91%', lr_final: '1e-3', n: 3 }, params: { deep: true, lr: 0.1 } })).toEqual({ metrics: { auc: 0.91, lr_final: 0.001, n: 3 }, params: { deep: 'true', lr: '0.1' } });
  });

  it.each([
    ['NaN', { metrics: { auc: 'NaN' } }, ['metrics', 'auc']],
    ['Infinity', { metrics: { auc: Infinity } }, ['metrics', 'auc']],
    ['a metric name with capitals', { metrics: { AUC: 1 } }, ['metrics', 'AUC']],
    ['a param name with spaces', { metrics: { a: 1 }, params: { 'learning rate': 1 } }, ['params', 'learning rate']],
  ])('refuses %s at the field', (_name, body, path) => {
    const r = RunInput.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
  });
});

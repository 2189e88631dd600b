import { describe, it, expect } from 'vitest';
import {
  SuccessMetric,
  compareToTarget,
  formatSuccessMetric,
  inferDirection,
  METRIC_NAME,
  isBetter,
  parseSuccessMetric,
  parseSuccessMetrics,
} from '../../../src/domain/metrics/success-metric.js';
import { errorOf } from '../../helpers/errors.js';


const max = (name: string, target: number): SuccessMetric => ({ name, direction: 'maximize', target });
const min = (name: string, target: number): SuccessMetric => ({ name, direction: 'minimize', target });

describe('parseSuccessMetric', () => {
  it.each<[string, SuccessMetric]>([
    // symbols
    ['auc >= 0.85', max('auc', 0.85)],
    ['auc > 0.85', max('auc', 0.85)],
    ['auc>=0.85', max('auc', 0.85)],
    ['AUC ≥ 0.85', max('auc', 0.85)],
    ['latency_p95_ms <= 200', min('latency_p95_ms', 200)],
    ['latency_p95_ms < 200', min('latency_p95_ms', 200)],
    ['rmse ≤ 1.5', min('rmse', 1.5)],
    // names as tracking code logs them are kept as written
    ['val/auc >= 0.85', max('val/auc', 0.85)],
    ['eval.f1 ≥ 0.7', max('eval.f1', 0.7)],
    ['val/loss <= 0.3', min('val/loss', 0.3)],
    ['`val/latency_ms` under 200ms', min('val/latency_ms', 200)],
    ['auc no less than .8', max('auc', 0.8)],
    // words
    ['recall at least 0.9', max('recall', 0.9)],
    ['recall of at least 90%', max('recall', 0.9)],
    ['recall should be at least 0.9', max('recall', 0.9)],
    ['precision above 0.8', max('precision', 0.8)],
    ['throughput over 1.2E+4', max('throughput', 12000)],
    ['error rate below 5%', min('error_rate', 0.05)],
    ['mae at most 3.2', min('mae', 3.2)],
    ['cost no more than 0.02', min('cost', 0.02)],
    ['max drawdown below 10%', min('max_drawdown', 0.1)],
    ['turnover rate above 5%', max('turnover_rate', 0.05)],
    // units folded into the name
    ['p95 latency under 200ms', min('p95_latency_ms', 200)],
    ['latency not above 300 ms', min('latency_ms', 300)],
    ['latency_p95_ms <= 200ms', min('latency_p95_ms', 200)],
    ['latency_s <= 200ms', min('latency_s', 0.2)],
    ['p99 latency within 2 seconds', min('p99_latency_s', 2)],
    ['error_pct < 5%', min('error_pct', 5)],
    // "=" and bare numbers: direction from the name
    ['f1 = 0.7', max('f1', 0.7)],
    ['f1 == 0.7', max('f1', 0.7)],
    ['val loss = 0.2', min('val_loss', 0.2)],
    ['auc: 0.85', max('auc', 0.85)],
    ['auc 0.85', max('auc', 0.85)],
    ['mean absolute error 3', min('mean_absolute_error', 3)],
    ['latency better than 200ms', min('latency_ms', 200)],
    // qualifiers and verbs
    ['latency 200ms or less', min('latency_ms', 200)],
    ['auc 0.85 or higher', max('auc', 0.85)],
    ['auc 0.85+', max('auc', 0.85)],
    ['reduce churn to 3%', min('churn', 0.03)],
    ['maximize auc to 0.9', max('auc', 0.9)],
    ['keep latency under 1 min', min('latency_min', 1)],
    // names and formatting people paste
    ['recall@10 >= 0.5', max('recall_10', 0.5)],
    ['top 5 accuracy 0.9', max('top_5_accuracy', 0.9)],
    ['Click-Through Rate >= 2%', max('click_through_rate', 0.02)],
    ['- `auc >= 0.85`.', max('auc', 0.85)],
    ['*auc* >= 0.85', max('auc', 0.85)],
  ])('reads %j', (text, expected) => {
    expect(parseSuccessMetric(text)).toEqual(expected);
  });

  it.each([
    ['auc', 'metric_without_number', 'Metric "auc" has no target number; write it like "auc >= 0.85".'],
    ['f1', 'metric_without_number', 'Metric "f1" has no target number; write it like "auc >= 0.85".'],
    ['auc >= high', 'metric_without_number', 'Metric "auc" has no target number; write it like "auc >= 0.85".'],
    ['recall should be above', 'metric_without_number', 'Metric "recall" has no target number; write it like "auc >= 0.85".'],
    ['auc >= 0,85', 'invalid_number', '"0,85" is not a number (use 0.91, 91% or 1e-3).'],
    ['auc >= 1e999', 'invalid_number', '"1e999" is not a number (use 0.91, 91% or 1e-3).'],
    ['cost under $5', 'invalid_number', '"$5" is not a number (use 0.91, 91% or 1e-3).'],
    ['latency under 200 rows', 'invalid_number', '"200 rows" is not a number (use 0.91, 91% or 1e-3).'],
    ['>= 0.85', 'metric_without_name', '">= 0.85" has no metric name; write it like "auc >= 0.85".'],
    ['should be 0.85', 'metric_without_name', '"should be 0.85" has no metric name; write it like "auc >= 0.85".'],
  ])('refuses %j', (text, code, message) => {
    const e = errorOf(() => parseSuccessMetric(text));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it.each([
    ['95th percentile latency < 200ms', 'invalid_metric_name'],
    ['ñ >= 1', 'invalid_metric_name'],
    [`${'a'.repeat(65)} >= 1`, 'invalid_metric_name'],
    // the unit suffix pushes a 62-letter name past 64
    [`${'a'.repeat(62)} < 200ms`, 'invalid_metric_name'],
  ])('refuses the name in %j', (text, code) => {
    expect(errorOf(() => parseSuccessMetric(text)).code).toBe(code);
  });

  it('returns metrics the schema accepts', () => {
    for (const text of ['p95 latency under 200ms', 'recall of at least 90%', 'f1 = 0.7']) {
      expect(SuccessMetric.safeParse(parseSuccessMetric(text)).success).toBe(true);
    }
  });

  it.each([max('auc', 0.85), min('latency_p95_ms', 200), max('lift', -0.5), min('loss', 1e-7)])(
    'reads back its canonical form %j',
    (m) => {
      expect(parseSuccessMetric(formatSuccessMetric(m))).toEqual(m);
    },
  );
});

describe('METRIC_NAME', () => {
  it.each(['auc', 'val/auc', 'eval.f1', 'loss-ce', 'train/loss_ce', 'a'.repeat(64)])('accepts %s', (name) => expect(METRIC_NAME.test(name)).toBe(true));
  it.each(['Val/AUC', 'val//auc', 'auc/', '/auc', 'val auc', '1auc', 'auc$', 'a'.repeat(65), ''])('refuses %s', (name) => expect(METRIC_NAME.test(name)).toBe(false));
});

describe('inferDirection', () => {
  it.each([
    ['loss', 'minimize'],
    ['val_loss', 'minimize'],
    ['error_rate', 'minimize'],
    ['latency_p95_ms', 'minimize'],
    ['rmse', 'minimize'],
    ['false_positive_rate', 'minimize'],
    ['inference_cost', 'minimize'],
    ['auc', 'maximize'],
    ['f1', 'maximize'],
    ['uptime', 'maximize'],
    ['recall', 'maximize'],
    ['val/loss', 'minimize'],
    ['eval.error_rate', 'minimize'],
    ['loss-ce', 'minimize'],
    ['val/auc', 'maximize'],
  ] as const)('%s -> %s', (name, direction) => {
    expect(inferDirection(name)).toBe(direction);
  });
});

describe('parseSuccessMetrics', () => {
  it('splits on commas, semicolons, newlines and "and"', () => {
    expect(
      parseSuccessMetrics(
        'auc >= 0.85, latency_p95_ms <= 200; recall at least 0.9\nprecision above 0.8 and mae at most 3.2',
      ),
    ).toEqual([
      max('auc', 0.85),
      min('latency_p95_ms', 200),
      max('recall', 0.9),
      max('precision', 0.8),
      min('mae', 3.2),
    ]);
  });

  it('keeps "and above" with its metric and skips empty pieces and bullets', () => {
    expect(parseSuccessMetrics('- auc 0.85 and above,\n\n- latency 200ms and below;')).toEqual([
      max('auc', 0.85),
      min('latency_ms', 200),
    ]);
  });

  it('keeps the last value of a repeated name at its first position', () => {
    expect(parseSuccessMetrics('auc >= 0.8, f1 >= 0.6, auc >= 0.85')).toEqual([
      max('auc', 0.85),
      max('f1', 0.6),
    ]);
  });

  it('accepts 20 metrics and refuses 21', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `m${i} >= ${i}`).join(', ');
    expect(parseSuccessMetrics(list(20))).toHaveLength(20);
    const e = errorOf(() => parseSuccessMetrics(list(21)));
    expect(e.code).toBe('too_many_metrics');
    expect(e.message).toBe('That is 21 success metrics; the limit is 20.');
  });

  it('counts names after deduplication against the limit', () => {
    const repeated = Array.from({ length: 30 }, (_, i) => `auc >= 0.${i + 10}`).join(', ');
    expect(parseSuccessMetrics(repeated)).toEqual([max('auc', 0.39)]);
  });

  it.each(['', '  ', ',;\n', ' - '])('refuses %j as having no metrics', (text) => {
    expect(errorOf(() => parseSuccessMetrics(text)).code).toBe('no_metrics');
  });

  it('reports the first piece that does not parse', () => {
    const e = errorOf(() => parseSuccessMetrics('auc >= 0.85, recall'));
    expect(e.code).toBe('metric_without_number');
    expect(e.message).toContain('"recall"');
  });
});

describe('compareToTarget', () => {
  it.each([
    [max('auc', 0.85), 0.9, true, 0.05],
    [max('auc', 0.85), 0.85, true, 0],
    [max('auc', 0.85), 0.8, false, -0.05],
    [min('latency_ms', 200), 150, true, 50],
    [min('latency_ms', 200), 200, true, 0],
    [min('latency_ms', 200), 250, false, -50],
    [max('lift', -1), -0.5, true, 0.5],
  ])('%j with %d -> met %s, delta %d', (m, value, met, delta) => {
    const result = compareToTarget(m, value);
    expect(result.met).toBe(met);
    expect(result.delta).toBeCloseTo(delta, 12);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses the value %d', (value) => {
    expect(errorOf(() => compareToTarget(max('auc', 0.85), value)).code).toBe('invalid_number');
  });
});

describe('isBetter', () => {
  it.each([
    ['maximize', 0.9, 0.8, true],
    ['maximize', 0.8, 0.9, false],
    ['maximize', 0.8, 0.8, false],
    ['minimize', 100, 200, true],
    ['minimize', 200, 100, false],
    ['minimize', 100, 100, false],
  ] as const)('%s: %d better than %d is %s', (direction, a, b, expected) => {
    expect(isBetter(direction, a, b)).toBe(expected);
  });
});

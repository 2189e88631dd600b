import { z } from 'zod';
import { DomainError } from '../errors.js';
import { DECIMAL_SOURCE, invalidNumber, parseMetricNumber } from './number.js';

export const MetricDirection = z.enum(['maximize', 'minimize']);
export type MetricDirection = z.infer<typeof MetricDirection>;

/**
 * A metric name as tracking code logs it: `auc`, `val/auc`, `eval.f1`, `loss-ce`. Lowercase letters,
 * digits and `_`, with `.`, `/` or `-` between words (not doubled, not at the end); at most 64
 * characters. Nothing in it needs escaping in Slack mrkdwn.
 */
export const METRIC_NAME = /^(?=.{1,64}$)[a-z][a-z0-9_]*(?:[./-][a-z0-9_]+)*$/;
export const METRIC_NAME_RULE = 'metric names are lowercase letters, digits and _, with . / or - between words (e.g. val/auc, eval.f1, loss-ce), starting with a letter, at most 64 characters';
export const MAX_SUCCESS_METRICS = 20;

/**
 * A success metric is a direction and a target; whether the comparison was written strict
 * (`>`) or not (`>=`) is not kept: a run that hits the target exactly counts as met.
 */
export const SuccessMetric = z.object({
  name: z.string().regex(METRIC_NAME),
  direction: MetricDirection,
  target: z.number().finite(),
});
export type SuccessMetric = z.infer<typeof SuccessMetric>;

type Lean = MetricDirection | 'infer';

/** Comparators written between the name and the number; 'infer' ones say only "the target is". */
const COMPARATORS: Record<string, Lean> = {
  '>=': 'maximize', '=>': 'maximize', '≥': 'maximize', '>': 'maximize',
  'at least': 'maximize', 'no less than': 'maximize', 'not less than': 'maximize',
  'no lower than': 'maximize', 'not lower than': 'maximize', 'no fewer than': 'maximize',
  'not below': 'maximize', 'not under': 'maximize', 'above': 'maximize', 'over': 'maximize',
  'more than': 'maximize', 'greater than': 'maximize', 'higher than': 'maximize',
  'exceeding': 'maximize', 'exceeds': 'maximize', 'exceed': 'maximize',
  'minimum of': 'maximize', 'min': 'maximize',
  '<=': 'minimize', '=<': 'minimize', '≤': 'minimize', '<': 'minimize',
  'at most': 'minimize', 'no more than': 'minimize', 'not more than': 'minimize',
  'no greater than': 'minimize', 'not greater than': 'minimize', 'no higher than': 'minimize',
  'not higher than': 'minimize', 'not above': 'minimize', 'not over': 'minimize',
  'not exceeding': 'minimize', 'under': 'minimize', 'below': 'minimize', 'less than': 'minimize',
  'lower than': 'minimize', 'fewer than': 'minimize', 'within': 'minimize', 'up to': 'minimize',
  'maximum of': 'minimize', 'max': 'minimize',
  '==': 'infer', '=': 'infer', ':': 'infer', '~': 'infer', 'equal to': 'infer', 'equals': 'infer',
  'around': 'infer', 'about': 'infer', 'better than': 'infer',
};

/** Qualifiers after the number: "200ms or less", "0.85 or higher", "0.9+". */
const QUALIFIERS: Record<string, Lean> = {
  'or more': 'maximize', 'or higher': 'maximize', 'or greater': 'maximize', 'or above': 'maximize',
  'and above': 'maximize', 'and up': 'maximize', 'and higher': 'maximize', 'or over': 'maximize',
  'at least': 'maximize', 'minimum': 'maximize', '+': 'maximize',
  'or less': 'minimize', 'or lower': 'minimize', 'or fewer': 'minimize', 'or below': 'minimize',
  'or under': 'minimize', 'and below': 'minimize', 'and under': 'minimize', 'and lower': 'minimize',
  'at most': 'minimize', 'maximum': 'minimize', 'max': 'minimize',
  'or better': 'infer',
};

/** Leading words: a verb may carry the direction ("reduce latency to 200ms"). */
const LEADING: Record<string, Lean> = {
  maximize: 'maximize', maximise: 'maximize', increase: 'maximize', raise: 'maximize',
  boost: 'maximize', grow: 'maximize',
  minimize: 'minimize', minimise: 'minimize', reduce: 'minimize', decrease: 'minimize',
  lower: 'minimize', cut: 'minimize', shrink: 'minimize',
  improve: 'infer', keep: 'infer', get: 'infer', achieve: 'infer', reach: 'infer', hit: 'infer',
  we: 'infer', want: 'infer', the: 'infer', our: 'infer', a: 'infer', an: 'infer',
};

/** Words between the name and the comparator: "recall of at least", "auc should be >=". */
const TRAILING_FILLERS = new Set([
  'of', 'is', 'are', 'be', 'being', 'should', 'must', 'shall', 'will', 'would', 'needs', 'need',
  'has', 'have', 'to', 'stay', 'stays', 'remain', 'remains', 'kept', 'keep', 'with', 'a', 'an',
  'the', 'target', 'goal', 'value', 'at',
]);

/** Units the number may carry; time units become a name suffix, percent becomes a fraction. */
type Unit = 'ms' | 's' | 'min' | 'h' | '%';
const UNITS: Record<string, Unit> = {
  ms: 'ms', msec: 'ms', millisecond: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  min: 'min', mins: 'min', minute: 'min', minutes: 'min',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  '%': '%', percent: '%', pct: '%',
};
/** Time units in milliseconds: integers, so converting 200ms to seconds gives exactly 0.2. */
const TIME_IN_MS: Record<Exclude<Unit, '%'>, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const PERCENT_NAME = /_(?:pct|percent|percentage)$/;

/** Name words that mean "lower is better" when the text itself does not say. */
const MINIMIZE_WORDS = new Set([
  'loss', 'logloss', 'error', 'errors', 'err', 'latency', 'mae', 'mse', 'rmse', 'mape', 'smape',
  'cost', 'costs', 'time', 'duration', 'delay', 'wer', 'cer', 'perplexity', 'fpr', 'fnr',
  'false', 'brier', 'memory', 'size', 'ms', 'sec', 'secs', 'seconds',
]);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Longest first, so "not above" wins over "above" and ">=" over ">". Words must end at a word
 * boundary ("over" is not the start of "overall"); they must also start at one, except units,
 * which sit right against the number ("200ms").
 */
function alternation(phrases: readonly string[], glued = false): string {
  return [...phrases]
    .sort((a, b) => b.length - a.length)
    .map((p) => {
      const body = escape(p).replace(/ /g, '\\s+');
      if (!/^[a-z]/.test(p)) return body;
      return glued ? `${body}\\b` : `\\b${body}\\b`;
    })
    .join('|');
}

const CMP = alternation(Object.keys(COMPARATORS));
const METRIC = new RegExp(
  // The number stands alone: after a space or a comparator sign, never inside "f1" or "$5".
  `^(?<head>.*?)\\s*(?:(?<cmp>${CMP})\\s*)?(?<=^|[\\s=<>≥≤:~])(?<num>${DECIMAL_SOURCE})` +
    `(?:\\s*(?<unit>${alternation(Object.keys(UNITS), true)}))?` +
    `\\s*(?<tail>${alternation(Object.keys(QUALIFIERS))})?$`,
  'iu',
);
const CMP_ANYWHERE = new RegExp(CMP, 'giu');

const lean = (table: Record<string, Lean>, phrase: string | undefined): Lean =>
  phrase === undefined ? 'infer' : (table[phrase.toLowerCase().replace(/\s+/g, ' ')] ?? 'infer');

/** "lower is better" for losses, errors, latencies, costs; otherwise higher is better. */
export function inferDirection(name: string): MetricDirection {
  return name.split(/[_./-]/).some((w) => MINIMIZE_WORDS.has(w)) ? 'minimize' : 'maximize';
}

function toSnakeCase(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** Strips Slack formatting and list bullets people paste around a metric. */
function clean(text: string): string {
  return text
    .replace(/[`*]/g, '')
    .trim()
    .replace(/^(?:[-•](?=\s|$)|\d+[.)](?=\s))\s*/, '')
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .replace(/[.!]+$/, '')
    .trim();
}

/** Drops leading verbs and trailing filler words; returns the name words and the verb's lean. */
function splitHead(head: string): { words: string[]; verb: Lean } {
  const words = head.split(/\s+/).filter((w) => w !== '');
  let verb: Lean = 'infer';
  while (words.length > 0 && LEADING[words[0]!.toLowerCase()] !== undefined) {
    const l = LEADING[words.shift()!.toLowerCase()]!;
    if (l !== 'infer') verb = l;
  }
  while (words.length > 0 && TRAILING_FILLERS.has(words[words.length - 1]!.toLowerCase())) words.pop();
  return { words, verb };
}

function checkName(name: string, original: string): string {
  if (!METRIC_NAME.test(name)) {
    throw new DomainError(
      'invalid_metric_name',
      `"${name || original}" is not a usable metric name: start with a letter and use letters, digits and underscores, with . / or - between words (at most 64).`,
    );
  }
  return name;
}

/** Folds a unit into the name (`latency` + `200ms` -> `latency_ms`), converting if the name has another time unit. */
function applyUnit(name: string, value: number, unit: Unit | undefined, numText: string): { name: string; value: number } {
  if (unit === undefined) return { name, value };
  if (unit === '%') {
    return { name, value: PERCENT_NAME.test(name) ? value : parseMetricNumber(`${numText}%`) };
  }
  const suffix = /_([a-z]+)$/.exec(name)?.[1];
  const nameUnit = suffix === undefined ? undefined : UNITS[suffix];
  if (nameUnit === unit) return { name, value };
  if (nameUnit !== undefined && nameUnit !== '%') {
    return { name, value: (value * TIME_IN_MS[unit]) / TIME_IN_MS[nameUnit] };
  }
  return { name: `${name}_${unit}`, value };
}

/** Explains why a piece did not parse: a bad number if one was written, else the missing number. */
function unparsable(text: string): DomainError {
  let head = text;
  let rest = '';
  const comparators = [...text.matchAll(CMP_ANYWHERE)];
  const last = comparators[comparators.length - 1];
  if (last) {
    head = text.slice(0, last.index);
    rest = text.slice(last.index + last[0].length).trim();
  } else {
    const digit = /(?<![\w.])[+-]?\.?\d/u.exec(text);
    if (digit) {
      head = text.slice(0, digit.index);
      rest = text.slice(digit.index).trim();
    }
  }
  if (/\d/.test(rest)) return invalidNumber(rest);
  const name = toSnakeCase(splitHead(head).words.join(' '));
  const shown = METRIC_NAME.test(name) ? name : text;
  return new DomainError(
    'metric_without_number',
    `Metric "${shown}" has no target number; write it like "auc >= 0.85".`,
  );
}

/**
 * One success metric from a person's words: `auc >= 0.85`, `recall of at least 90%`,
 * `p95 latency under 200ms`, `f1 = 0.7`. The direction comes from, in order: the comparator,
 * a qualifier after the number ("or less"), a leading verb ("reduce"), then the name
 * (losses, errors, latencies, costs are minimized; anything else maximized).
 */
export function parseSuccessMetric(text: string): SuccessMetric {
  const cleaned = clean(text);
  const match = METRIC.exec(cleaned);
  if (!match?.groups) throw unparsable(cleaned);
  const { head = '', cmp, num = '', unit, tail } = match.groups;
  const { words, verb } = splitHead(head);
  if (words.length === 0) {
    throw new DomainError(
      'metric_without_name',
      `"${cleaned}" has no metric name; write it like "auc >= 0.85".`,
    );
  }
  // A name written as code logs it (`val/auc`, `eval.f1`) is kept; prose ("p95 latency", "F1-score") becomes snake case.
  const asLogged = words.length === 1 && /[./]/.test(words[0]!) && METRIC_NAME.test(words[0]!.toLowerCase()) ? words[0]!.toLowerCase() : undefined;
  const baseName = asLogged ?? checkName(toSnakeCase(words.join(' ')), words.join(' '));
  const folded = applyUnit(
    baseName,
    parseMetricNumber(num),
    unit === undefined ? undefined : UNITS[unit.toLowerCase()],
    num,
  );
  const name = checkName(folded.name, folded.name);
  const leans = [lean(COMPARATORS, cmp), lean(QUALIFIERS, tail), verb];
  const direction = leans.find((l): l is MetricDirection => l !== 'infer') ?? inferDirection(name);
  return { name, direction, target: folded.value };
}

const SEPARATOR =
  /[,;\n]|\s+(?:and|&)\s+(?!(?:above|up|higher|over|below|under|lower|less|more)\b)/iu;

/**
 * Several metrics separated by commas, semicolons, newlines or " and ". A name given twice
 * keeps its first position and its last value (people correct themselves further down).
 */
export function parseSuccessMetrics(text: string): SuccessMetric[] {
  const byName = new Map<string, SuccessMetric>();
  for (const piece of text.split(SEPARATOR)) {
    if (clean(piece) === '') continue;
    const metric = parseSuccessMetric(piece);
    byName.set(metric.name, metric);
  }
  if (byName.size === 0) {
    throw new DomainError(
      'no_metrics',
      'No success metrics found; write them like "auc >= 0.85, latency_p95_ms <= 200".',
    );
  }
  if (byName.size > MAX_SUCCESS_METRICS) {
    throw new DomainError(
      'too_many_metrics',
      `That is ${byName.size} success metrics; the limit is ${MAX_SUCCESS_METRICS}.`,
    );
  }
  return [...byName.values()];
}

/** The canonical written form, which parseSuccessMetric reads back to the same metric. */
export function formatSuccessMetric(m: SuccessMetric): string {
  return `${m.name} ${m.direction === 'maximize' ? '>=' : '<='} ${m.target}`;
}

/** `delta` is how far `value` is better than the target (negative: short of it); hitting it exactly is met. */
export function compareToTarget(m: SuccessMetric, value: number): { met: boolean; delta: number } {
  if (!Number.isFinite(value)) throw invalidNumber(String(value));
  const delta = m.direction === 'maximize' ? value - m.target : m.target - value;
  return { met: delta >= 0, delta };
}

/** Whether `a` is strictly better than `b` in the given direction. */
export function isBetter(direction: MetricDirection, a: number, b: number): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

import { z } from 'zod';
import { METRIC_NAME, METRIC_NAME_RULE } from '../metrics/success-metric.js';
import { parseMetricNumber } from '../metrics/number.js';
import { refuseUnsafeCharacters } from '../text/unsafe-characters.js';

export const MAX_RUN_METRICS = 100;
export const MAX_RUN_PARAMS = 100;
export const MAX_PARAM_KEY = 64;
export const MAX_PARAM_VALUE = 500;
export const MAX_RUN_NAME = 100;
export const MAX_NOTE = 2000;
export const MAX_DATASET = 200;
export const MAX_RUN_URL = 2000;
export const MAX_RUN_TAGS = 20;
export const MAX_TAG_KEY = 64;
export const MAX_TAG_VALUE = 200;

/** Param keys as ML code writes them: `lr`, `model.depth`, `optimizer/beta1`. */
export const PARAM_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

/**
 * Names that are special on JavaScript objects: `__proto__` would be dropped silently (zod and any
 * object built from the record skip it, since assigning it sets the prototype), `constructor` and
 * `prototype` shadow what every object inherits. Refused by name rather than stored or lost.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Checks the raw input, before the record schema copies it: by then a `__proto__` key is already gone. */
function refusingReservedKeys<T extends z.ZodType>(record: T) {
  return z.preprocess((value, ctx) => {
    if (value !== null && typeof value === 'object') {
      for (const key of RESERVED_KEYS) {
        if (Object.hasOwn(value, key)) ctx.addIssue({ code: 'custom', message: `"${key}" is a reserved name; choose another`, path: [key], input: value });
      }
    }
    return value;
  }, record);
}

/**
 * A metric value: a JSON number, or the text people type (`0.91`, `91%`, `1e-3`). JSON numbers are
 * always finite; text goes through the one number parser the slash command uses, which refuses
 * NaN and Infinity.
 */
export const MetricValue = z.union([z.number(), z.string().max(40).superRefine(refuseUnsafeCharacters)], { error: 'expected a number such as 0.91 (or text such as "91%" or "1e-3")' }).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseMetricNumber(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const MetricName = z.string().regex(METRIC_NAME, METRIC_NAME_RULE);

/** zod reports a bad record key as "Invalid key in record"; show what is wrong with the key instead. */
const keyError = { error: (iss: { code?: string; issues?: { message?: string }[] }) => (iss.code === 'invalid_key' ? iss.issues?.[0]?.message : undefined) };

function maxKeys(max: number, what: string) {
  return (rec: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const n = Object.keys(rec).length;
    if (n > max) ctx.addIssue({ code: 'custom', message: `${n} ${what}; the limit is ${max}` });
  };
}

/** Metric name → value; JSON objects cannot repeat a key, and the slash parser refuses repeats itself. */
export const RunMetrics = refusingReservedKeys(
  z
    .record(MetricName, MetricValue, keyError)
    .superRefine(maxKeys(MAX_RUN_METRICS, 'metrics'))
    .refine((m) => Object.keys(m).length > 0, 'at least one metric is required, e.g. {"auc": 0.91}'),
);

/** Params are compared as text ("differ between the top runs"), so numbers and booleans are kept as written. */
export const RunParams = refusingReservedKeys(
  z.record(
    z.string().max(MAX_PARAM_KEY, `param names are at most ${MAX_PARAM_KEY} characters`).regex(PARAM_KEY, 'param names are letters, digits and _ . - /'),
    z
      .union([z.string(), z.number(), z.boolean()], { error: 'a param value is text, a number or true/false' })
      .transform((v) => String(v))
      .pipe(z.string().max(MAX_PARAM_VALUE, `param values are at most ${MAX_PARAM_VALUE} characters`).superRefine(refuseUnsafeCharacters)),
    keyError,
  ).superRefine(maxKeys(MAX_RUN_PARAMS, 'params')),
);

/**
 * A link to the run in its tracker (MLflow, W&B). Only http and https: a `javascript:` or `file:`
 * link must not reach a Slack message. Spaces, `|`, `<` and `>` are refused too, as they would
 * break the Slack link `<url|label>` it becomes.
 */
export const RunUrl = z
  .string()
  .max(MAX_RUN_URL, `a run link is at most ${MAX_RUN_URL} characters`)
  .refine((v) => /^https?:\/\/[^\s|<>]+$/i.test(v) && URL.canParse(v), 'a run link is an http:// or https:// URL without spaces, |, < or >, such as https://mlflow.example.com/#/experiments/1/runs/abc');

/** Tags: free labels a person or CI adds to a run (`team=vision`), shown in its summary. */
export const RunTags = refusingReservedKeys(
  z
    .record(
      z.string().max(MAX_TAG_KEY, `tag names are at most ${MAX_TAG_KEY} characters`).regex(PARAM_KEY, 'tag names are letters, digits and _ . - /'),
      z
        .union([z.string(), z.number(), z.boolean()], { error: 'a tag value is text, a number or true/false' })
        .transform((v) => String(v))
        .pipe(z.string().max(MAX_TAG_VALUE, `tag values are at most ${MAX_TAG_VALUE} characters`).superRefine(refuseUnsafeCharacters)),
      keyError,
    )
    .superRefine(maxKeys(MAX_RUN_TAGS, 'tags')),
);

export const CommitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'a commit is 7–64 hexadecimal characters').transform((s) => s.toLowerCase());

/** A run as logged from Slack or the API: the one schema both edges parse into, and the OpenAPI document shows. */
// The character check comes before trim: trim would quietly drop a leading U+FEFF instead of refusing it.
export const RunInput = z
  .object({
    metrics: RunMetrics,
    params: RunParams.default({}),
    dataset: z.string().superRefine(refuseUnsafeCharacters).trim().min(1).max(MAX_DATASET).optional(),
    commit: CommitSha.optional(),
    name: z.string().superRefine(refuseUnsafeCharacters).trim().min(1).max(MAX_RUN_NAME).optional(),
    note: z.string().superRefine(refuseUnsafeCharacters).trim().min(1).max(MAX_NOTE).optional(),
    url: RunUrl.optional(),
    // Optional rather than defaulting to {}: the Idempotency-Key hash of a body without tags stays what it was.
    tags: RunTags.optional(),
  })
  .strict();
export type RunInput = z.output<typeof RunInput>;

import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { LABEL_COLUMN, PREDICTION_COLUMN } from '../domain/drift/columns.js';
import { DRIFT_TEST_NAMES } from '../domain/drift/default-test.js';
import { ColumnKindName, ObservationsBody, ObservedAt, ReferenceBody, tooLargeBody, type MediaType } from '../domain/drift/input.js';
import { DriftInputError } from '../domain/drift/input-error.js';
import { DRIFT_UPLOAD_LIMITS } from '../domain/drift/limits.js';
import type { DriftReport } from '../domain/drift/report.js';
import { latestDriftReport } from '../services/drift/latest-report.js';
import { recordBatch } from '../services/drift/record-batch.js';
import { setReference, type ReferenceSummary } from '../services/drift/set-reference.js';
import { authorizeProject, handle } from './auth.js';
import { ApiError, fromZod } from './errors.js';
import { API_OPERATIONS } from './openapi.js';
import { IdempotencyKey, idempotencyKeyOf } from './runs.js';
import { readBlocks, TooLargeError } from '../shared/read-blocks.js';

/**
 * Drift monitoring data: POST a reference sample, POST batches of current data (each answered
 * with its drift report), GET the latest report. Bodies are JSON or CSV and may be large, so these
 * routes read their own body (raw bytes, up to DRIFT_UPLOAD_LIMITS.bodyBytes) after the token is
 * checked, and the verb decodes it — in a worker thread when it is large.
 */

const Missing = z.object({ null: z.int(), nan: z.int(), infinite: z.int() });
const Histogram = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bins'), edges: z.array(z.number()), reference: z.array(z.number()), current: z.array(z.number()) }),
  z.object({
    type: z.literal('categories'),
    categories: z.array(z.string()),
    reference: z.array(z.number()),
    current: z.array(z.number()),
    other: z.object({ reference: z.number(), current: z.number() }),
  }),
]);
const columnBase = {
  name: z.string().describe(`A feature, or ${PREDICTION_COLUMN} / ${LABEL_COLUMN} for predictions and labels`),
  kind: ColumnKindName,
  nReference: z.int().describe('Reference values that entered the statistics (missing ones left out)'),
  nCurrent: z.int(),
  missing: z.object({ reference: Missing, current: Missing }).describe('Values left out: null, NaN, ±Infinity'),
};
const ColumnOut = z.discriminatedUnion('evaluable', [
  z.object({
    ...columnBase,
    evaluable: z.literal(true),
    test: z.enum(DRIFT_TEST_NAMES),
    score: z.number().describe('The p-value or distance of the test (scoreKind)'),
    scoreKind: z.enum(['p_value', 'distance']),
    statistic: z.number().nullable(),
    threshold: z.number(),
    drifted: z.boolean(),
    psi: z.number(),
    nUnique: z.int(),
    histogram: Histogram,
  }),
  z.object({
    ...columnBase,
    evaluable: z.literal(false),
    reason: z.enum(['no_reference_values', 'no_current_values', 'not_numeric', 'test_needs_numbers']),
    message: z.string(),
    drifted: z.literal(false),
  }),
]);
const PerformanceOut = z.object({
  metric: z.string().describe("The brief's success metric"),
  direction: z.enum(['maximize', 'minimize']),
  target: z.number(),
  value: z.number().nullable().describe('Recomputed from the batch; null when the batch cannot give it'),
  met: z.boolean().nullable(),
});

/** The drift report of a batch, as stored and as answered. */
export const DriftReportOut = z.object({
  batchId: z.int(),
  rows: z.int(),
  observedAt: z.string().describe('ISO 8601'),
  columns: z.array(ColumnOut),
  nColumns: z.int(),
  nEvaluated: z.int(),
  nDrifted: z.int(),
  share: z.number().describe('nDrifted / nEvaluated'),
  driftShare: z.number().describe('The share from which the dataset drifts'),
  datasetDrift: z.boolean(),
  performance: z.array(PerformanceOut),
  performanceAlert: z.boolean().describe('A recomputed success metric misses its target'),
});
// The document must describe the type the verbs produce: this fails to compile when they part.
const _reportMatches: z.infer<typeof DriftReportOut> = {} as DriftReport;

export const ReferenceOut = z.object({
  referenceId: z.int(),
  rows: z.int(),
  createdAt: z.string().describe('ISO 8601'),
  columns: z.array(z.object({ name: z.string(), role: z.enum(['feature', 'prediction', 'label']), kind: ColumnKindName, present: z.int(), missing: Missing })),
});

const columnNames = z.union([z.string(), z.array(z.string())]).optional();
export const ReferenceQuery = z.strictObject({
  categorical: columnNames.describe('A column to read as categorical (repeat the parameter for several); mainly for CSV'),
  numeric: columnNames.describe('A column to read as numeric (repeat for several)'),
});
export const ObservationsQuery = z.strictObject({ timestamp: ObservedAt.optional() });

function kindsFrom(q: z.infer<typeof ReferenceQuery>): Record<string, 'numeric' | 'categorical'> | undefined {
  const kinds: Record<string, 'numeric' | 'categorical'> = {};
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const name of list(q.numeric)) kinds[name] = 'numeric';
  for (const name of list(q.categorical)) {
    if (kinds[name] === 'numeric') throw new ApiError(400, 'invalid_request', `categorical: "${name.slice(0, 80)}" is also given as numeric.`, 'categorical');
    kinds[name] = 'categorical';
  }
  return Object.keys(kinds).length ? kinds : undefined;
}

/** JSON or CSV, in UTF-8; anything else is a 415 before the body is read. */
function mediaTypeOf(req: Request): MediaType {
  const header = req.get('content-type') ?? '';
  const [type = '', ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, 'unsupported_media_type', `Content-Type: the charset is ${charset.slice(0, 40)}; send UTF-8.`, 'Content-Type');
  }
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'text/csv' || type === 'application/csv') return 'csv';
  throw new ApiError(415, 'unsupported_media_type', 'Content-Type: send application/json or text/csv (a header row of column names, then one row per observation).', 'Content-Type');
}

const DECOMPRESS: Record<string, () => Readable & NodeJS.WritableStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * The body as blocks of bytes (shared/read-blocks.ts: no single large copy on the event loop),
 * decompressed when sent with Content-Encoding gzip, deflate or br — the limit applies to the
 * decompressed size, so a small compressed body cannot expand past it.
 */
async function readBody(req: Request): Promise<Uint8Array[]> {
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  let stream: Readable = req;
  if (encoding !== 'identity' && encoding !== '') {
    const make = Object.hasOwn(DECOMPRESS, encoding) ? DECOMPRESS[encoding] : undefined;
    if (!make) throw new ApiError(415, 'unsupported_media_type', `Content-Encoding: ${encoding.slice(0, 40)} is not supported; send gzip, deflate, br or none.`, 'Content-Encoding');
    const inflate = make();
    req.on('error', (err) => inflate.destroy(err));
    stream = req.pipe(inflate);
  }
  try {
    // Decompressed output is cut off at the limit (a small body can inflate without end); the
    // compressed rest is read and discarded, as an uncompressed body past the limit is.
    return await readBlocks(stream, { limit: DRIFT_UPLOAD_LIMITS.bodyBytes, stopAtLimit: stream !== req });
  } catch (err) {
    if (err instanceof TooLargeError) {
      if (stream !== req) {
        req.unpipe();
        stream.destroy();
        // The rest of the compressed body is read and dropped, so the client can read the answer.
        if (!req.complete) await new Promise<void>((resolve) => req.resume().once('end', resolve).once('close', resolve).once('error', () => resolve()));
      }
      throw apiError(tooLargeBody());
    }
    if ((err as { code?: string }).code?.startsWith('Z_')) throw new ApiError(400, 'invalid_encoding', `The body is not valid ${encoding} data.`, 'body');
    if (req.destroyed || (err as { code?: string }).code === 'ECONNRESET') throw new ApiError(400, 'aborted', 'The request was aborted before its body arrived.', 'body');
    throw err;
  }
}

const STATUS: Partial<Record<DriftInputError['code'], number>> = { too_large: 413, unsupported_media_type: 415, no_reference: 409, busy: 503 };

function apiError(e: DriftInputError): ApiError {
  return new ApiError(STATUS[e.code] ?? 400, e.code, e.message, e.field);
}

/** Refusals of the upload become API errors with their status; a busy pool asks for a retry. */
function asApiError(res: Response) {
  return (err: unknown): never => {
    if (!(err instanceof DriftInputError)) throw err;
    if (err.code === 'busy') res.set('Retry-After', '5');
    throw apiError(err);
  };
}

function referenceOut(s: ReferenceSummary): z.infer<typeof ReferenceOut> {
  return { referenceId: s.referenceId, rows: s.rows, createdAt: s.createdAt.toISOString(), columns: s.columns };
}

export function driftApi(deps: Deps): Router {
  const r = Router();

  r.post(
    '/projects/:slug/reference',
    handle(async (req, res) => {
      const caller = await authorizeProject(deps, req);
      const media = mediaTypeOf(req);
      const q = ReferenceQuery.safeParse(req.query);
      if (!q.success) throw fromZod(q.error);
      const summary = await setReference(deps, caller.project, {
        media,
        options: { kinds: kindsFrom(q.data) },
        readBody: () => readBody(req),
        createdBy: `token:${caller.tokenPublicId}`,
      }).catch(asApiError(res));
      res.status(201).json(referenceOut(summary));
    }),
  );

  r.post(
    '/projects/:slug/observations',
    handle(async (req, res) => {
      const caller = await authorizeProject(deps, req);
      const media = mediaTypeOf(req);
      const q = ObservationsQuery.safeParse(req.query);
      if (!q.success) throw fromZod(q.error);
      const idempotencyKey = idempotencyKeyOf(req);
      const outcome = await recordBatch(deps, caller.project, {
        media,
        options: { timestamp: q.data.timestamp },
        readBody: () => readBody(req),
        idempotencyKey,
        sender: { id: caller.tokenPublicId, name: caller.tokenName },
      }).catch(asApiError(res));
      if (outcome.kind === 'replayed') res.set('Idempotent-Replayed', 'true');
      res.status(outcome.kind === 'created' ? 201 : 200).json(outcome.report);
    }),
  );

  r.get(
    '/projects/:slug/drift',
    handle(async (req, res) => {
      const caller = await authorizeProject(deps, req);
      const report = await latestDriftReport(deps, caller.project);
      if (!report) {
        throw new ApiError(404, 'not_found', `No batch of ${caller.project.slug} has been evaluated yet: POST a reference, then observations.`);
      }
      res.json(report);
    }),
  );

  return r;
}

const errors = (codes: Record<string, string>) => Object.fromEntries(Object.entries(codes).map(([status, description]) => [status, { description }]));
const auth = { '401': 'Missing or invalid token', '403': 'The token belongs to another project' };
const limits = `At most ${DRIFT_UPLOAD_LIMITS.bodyBytes / 1_000_000} MB, ${DRIFT_UPLOAD_LIMITS.valuesPerRequest.toLocaleString('en-US')} values and ${DRIFT_UPLOAD_LIMITS.columns} columns`;

if (!API_OPERATIONS.some((op) => op.path === '/projects/{slug}/reference')) {
  API_OPERATIONS.push(
    {
      method: 'post',
      path: '/projects/{slug}/reference',
      summary: `Set the drift reference sample (replaces the previous one). JSON as below, or text/csv with a header row (${PREDICTION_COLUMN} and ${LABEL_COLUMN} columns are predictions and labels). ${limits}.`,
      tag: 'drift',
      body: { name: 'DriftReferenceInput', schema: ReferenceBody },
      query: ReferenceQuery,
      responses: {
        '201': { description: 'The reference was stored', schema: { name: 'DriftReference', schema: ReferenceOut } },
        ...errors({ '400': 'Invalid body; `field` names the column, row or line', ...auth, '413': 'Over the size limits', '415': 'Not JSON or CSV in UTF-8' }),
      },
    },
    {
      method: 'post',
      path: '/projects/{slug}/observations',
      summary: `Evaluate a batch of current data against the reference; answers its drift report. JSON as below, or text/csv (observation time in ?timestamp=). ${limits}.`,
      tag: 'drift',
      body: { name: 'DriftObservationsInput', schema: ObservationsBody },
      query: ObservationsQuery,
      headers: [{ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key answers the stored report instead of evaluating and alerting again.', schema: IdempotencyKey }],
      responses: {
        '201': { description: 'The batch was evaluated and its report stored', schema: { name: 'DriftReport', schema: DriftReportOut } },
        '200': { description: 'A replay of an earlier request with the same Idempotency-Key: its stored report', schema: { name: 'DriftReport', schema: DriftReportOut } },
        ...errors({
          '400': 'Invalid body, or columns other than the reference\'s; `field` names the column, row or line',
          ...auth,
          '409': 'The project has no reference yet',
          '413': 'Over the size limits',
          '415': 'Not JSON or CSV in UTF-8',
          '503': 'Evaluation is busy; retry after Retry-After seconds',
        }),
      },
    },
    {
      method: 'get',
      path: '/projects/{slug}/drift',
      summary: 'The drift report of the latest batch',
      tag: 'drift',
      responses: {
        '200': { description: 'The latest report', schema: { name: 'DriftReport', schema: DriftReportOut } },
        ...errors({ ...auth, '404': 'No batch has been evaluated yet' }),
      },
    },
  );
}

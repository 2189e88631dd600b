import { createHash } from 'node:crypto';
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { RunInput } from '../domain/experiments/run-input.js';
import { runLabel } from '../domain/experiments/summary.js';
import { logApiRun } from '../services/experiments/post-api-summary.js';
import { listProjectRuns, type RunRow } from '../services/experiments/list-runs.js';
import { authorizeProject, handle } from './auth.js';
import { ApiError, fromZod } from './errors.js';
import { API_OPERATIONS } from './openapi.js';

/** A run as the API returns it. */
export const RunOut = z.object({
  id: z.number().int(),
  project: z.string(),
  label: z.string().describe('The name, or "run #<id>" when none was given'),
  name: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), z.string()),
  dataset: z.string().nullable(),
  commit: z.string().nullable(),
  note: z.string().nullable(),
  url: z.string().nullable().describe('A link to the run in its tracker (MLflow, W&B)'),
  tags: z.record(z.string(), z.string()),
  author: z.string().describe('A Slack user id, or token:<id> for runs logged through the API'),
  source: z.enum(['slack', 'api']),
  createdAt: z.string().describe('ISO 8601'),
});
export type RunOut = z.infer<typeof RunOut>;

export const RunList = z.object({ runs: z.array(RunOut), nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next (older) page; null on the last page') });

export const ListRunsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(40).optional(),
  })
  .strict();

/** Printable ASCII, as HTTP header values are; long enough for a UUID or a CI job id plus attempt. */
export const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'an Idempotency-Key is 1–255 printable ASCII characters');

/** The request's Idempotency-Key header, checked; undefined when it has none, a 400 when it is malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.get('idempotency-key');
  if (header === undefined) return undefined;
  const k = IdempotencyKey.safeParse(header);
  if (!k.success) throw new ApiError(400, 'invalid_request', `Idempotency-Key: ${k.error.issues[0]?.message}`, 'Idempotency-Key');
  return k.data;
}

export function runOut(slug: string, r: RunRow): RunOut {
  return {
    id: r.id,
    project: slug,
    label: runLabel(r),
    name: r.name,
    metrics: r.metrics,
    params: r.params,
    dataset: r.dataset,
    commit: r.commitSha,
    note: r.note,
    url: r.url,
    tags: r.tags,
    author: r.authorId,
    source: r.source,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Keys sorted at every level, so the same run written in another key order hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const encodeCursor = (id: number) => Buffer.from(`r:${id}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^r:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ApiError(400, 'invalid_request', 'cursor: not a cursor this API returned', 'cursor');
  return Number(m[1]);
}

/** POST and GET /projects/:slug/runs. */
export function runsApi(deps: Deps): Router {
  const r = Router();

  r.post(
    '/projects/:slug/runs',
    handle(async (req, res) => {
      const caller = await authorizeProject(deps, req);
      if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
        throw new ApiError(400, 'invalid_request', 'body: send a JSON object (Content-Type: application/json) such as {"metrics": {"auc": 0.91}}', 'body');
      }
      const parsed = RunInput.safeParse(req.body);
      if (!parsed.success) throw fromZod(parsed.error);
      const key = idempotencyKeyOf(req);
      const input = parsed.data;
      const now = deps.clock.now();
      const result = await logApiRun(deps, caller.project, {
        name: input.name,
        authorId: `token:${caller.tokenPublicId}`,
        source: 'api',
        metrics: input.metrics,
        params: input.params,
        dataset: input.dataset,
        commitSha: input.commit,
        note: input.note,
        url: input.url,
        tags: input.tags,
        idempotencyKey: key ?? null,
        requestHash: key ? createHash('sha256').update(canonical(input)).digest('hex') : null,
        now,
      });
      if (result.kind === 'conflict') {
        throw new ApiError(409, 'idempotency_conflict', `Idempotency-Key "${key}" was already used for run ${result.run.id} with a different body.`, 'Idempotency-Key');
      }
      // The summary and the optional narrative were queued with the run (a slow model never holds up CI).
      if (result.kind === 'replayed') res.set('Idempotent-Replayed', 'true');
      res.status(result.kind === 'created' ? 201 : 200).json(runOut(caller.project.slug, result.run));
    }),
  );

  r.get(
    '/projects/:slug/runs',
    handle(async (req, res) => {
      const caller = await authorizeProject(deps, req);
      const q = ListRunsQuery.safeParse(req.query);
      if (!q.success) throw fromZod(q.error);
      const beforeId = q.data.cursor !== undefined ? decodeCursor(q.data.cursor) : undefined;
      const rows = await listProjectRuns(deps, caller.project, { limit: q.data.limit + 1, beforeId });
      const page = rows.slice(0, q.data.limit);
      const nextCursor = rows.length > q.data.limit ? encodeCursor(page[page.length - 1]!.id) : null;
      res.json({ runs: page.map((row) => runOut(caller.project.slug, row)), nextCursor } satisfies z.infer<typeof RunList>);
    }),
  );

  return r;
}

const errors = (codes: Record<string, string>) => Object.fromEntries(Object.entries(codes).map(([status, description]) => [status, { description }]));

if (!API_OPERATIONS.some((op) => op.path === '/projects/{slug}/runs')) {
  API_OPERATIONS.push(
    {
      method: 'post',
      path: '/projects/{slug}/runs',
      summary: 'Log an experiment run; its summary is posted in the project channel',
      tag: 'runs',
      body: { name: 'RunInput', schema: RunInput },
      headers: [{ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first run instead of creating another; the same key with a different body is a 409.', schema: IdempotencyKey }],
      responses: {
        '201': { description: 'The run was logged', schema: { name: 'Run', schema: RunOut } },
        '200': { description: 'A replay of an earlier request with the same Idempotency-Key: the run it created', schema: { name: 'Run', schema: RunOut } },
        ...errors({ '400': 'Invalid body; `field` names what to fix', '401': 'Missing or invalid token', '403': 'The token belongs to another project', '409': 'The Idempotency-Key was used with a different body' }),
      },
    },
    {
      method: 'get',
      path: '/projects/{slug}/runs',
      summary: 'List runs, newest first, with cursor pagination',
      tag: 'runs',
      query: ListRunsQuery,
      responses: {
        '200': { description: 'A page of runs', schema: { name: 'RunList', schema: RunList } },
        ...errors({ '400': 'Invalid query', '401': 'Missing or invalid token', '403': 'The token belongs to another project' }),
      },
    },
  );
}

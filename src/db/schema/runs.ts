import { bigint, bigserial, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export const RUN_SOURCES = ['slack', 'api'] as const;

/** One experiment run. `metrics` is kept whole for reading a run back; `run_metrics` is what queries rank on. */
export const runs = pgTable(
  'runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name'),
    /** A Slack user id, or `token:<public id>` for runs logged through the API. */
    authorId: text('author_id').notNull(),
    source: text('source', { enum: RUN_SOURCES }).notNull(),
    metrics: jsonb('metrics').$type<Record<string, number>>().notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    dataset: text('dataset'),
    commitSha: text('commit_sha'),
    note: text('note'),
    /** A link to the run in a tracker (MLflow, W&B): http or https only. */
    url: text('url'),
    /** Free labels, name → value (`team=vision`). */
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    /** The API's Idempotency-Key and a hash of the body it came with: a retry returns the same run, another body is a 409. */
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('runs_project_idempotency').on(t.projectId, t.idempotencyKey), index('runs_project_id').on(t.projectId, t.id)],
);

/**
 * One row per metric of a run, so "best so far", rank and the leaderboard are index range scans on
 * (project, metric, value) instead of scans over every run's JSON. The run id is the index's last
 * column so that "among the runs up to this one" (a summary's rank, the best earlier run) is
 * answered from the index alone, without visiting the table.
 */
export const runMetrics = pgTable(
  'run_metrics',
  {
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    projectId: bigint('project_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] }), index('run_metrics_rank').on(t.projectId, t.name, t.value, t.runId)],
);

/** Project API tokens: only a SHA-256 of the secret is kept; `publicId` names the token for listing and revoking. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    publicId: text('public_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
    /** Who uses it (`github-actions`), shown on the runs and alerts it sends; null for tokens made before names. */
    name: text('name'),
    /** After this the token is refused (401, saying so); null: until revoked. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** The last request it authenticated, recorded at most once a minute per app instance. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash), uniqueIndex('api_tokens_public_id').on(t.publicId), index('api_tokens_project').on(t.projectId)],
);

import { bigint, bigserial, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

/** Raw bytes (PostgreSQL `bytea`): numeric reference columns are stored as little-endian float64 arrays. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const DRIFT_COLUMN_KINDS = ['numeric', 'categorical'] as const;
export const INCIDENT_STATUS = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;
export const INCIDENT_SEVERITY = ['warning', 'critical'] as const;

/**
 * A project's drift reference sample (one per project: sending a new one replaces it). The values
 * live in drift_reference_columns, one row per column, so a 1,000,000-value column is one row.
 */
export const driftReferences = pgTable(
  'drift_references',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    rows: integer('rows').notNull(),
    /** Who sent it: `token:<public id>`. */
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The live reference of the project; older ones stay for the batches that were compared with them. */
    current: boolean('current').notNull().default(true),
  },
  (t) => [index('drift_references_project').on(t.projectId, t.current)],
);

/**
 * One column of a reference sample, stored compactly: numeric values as float64 bytes (`numeric`),
 * categorical values as the JSON array they came in (`categorical`). `role` marks the model's
 * predictions and the ground-truth labels apart from the features.
 */
export const driftReferenceColumns = pgTable(
  'drift_reference_columns',
  {
    referenceId: bigint('reference_id', { mode: 'number' })
      .notNull()
      .references(() => driftReferences.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role', { enum: ['feature', 'prediction', 'label'] }).notNull(),
    kind: text('kind', { enum: DRIFT_COLUMN_KINDS }).notNull(),
    /** numeric: little-endian float64 values (NaN for missing). */
    numeric: bytea('numeric'),
    /** categorical: the values as sent (strings, null for missing). */
    categorical: jsonb('categorical').$type<(string | null)[]>(),
  },
  (t) => [primaryKey({ columns: [t.referenceId, t.name] })],
);

/**
 * One batch of production data, evaluated against the reference. The raw values are not kept:
 * only the report (per-column test, score, threshold, verdict, PSI, missing counts and a compact
 * histogram), which is enough to answer `GET …/drift`, draw charts and follow trends.
 */
export const driftBatches = pgTable(
  'drift_batches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    referenceId: bigint('reference_id', { mode: 'number' })
      .notNull()
      .references(() => driftReferences.id, { onDelete: 'cascade' }),
    rows: integer('rows').notNull(),
    /** When the data was observed, as the sender says (`timestamp`); receivedAt otherwise. */
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** Share of evaluated columns that drifted, and whether that makes dataset drift. */
    driftShare: doublePrecision('drift_share').notNull(),
    datasetDrift: boolean('dataset_drift').notNull(),
    /** Any success metric recomputed from labels that misses its target. */
    performanceAlert: boolean('performance_alert').notNull().default(false),
    report: jsonb('report').notNull(),
    /** The request's Idempotency-Key, when given: a retried batch is evaluated and alerted once. */
    idempotencyKey: text('idempotency_key'),
    /** Who sent it: `token:<public id>`; null for batches stored before senders were. */
    sentBy: text('sent_by'),
  },
  (t) => [index('drift_batches_project').on(t.projectId, t.id), uniqueIndex('drift_batches_idempotency').on(t.projectId, t.idempotencyKey)],
);

/**
 * Per-project drift settings: test and threshold overrides per column, the drift share, where
 * alerts go, how long an incident may stay unacknowledged before the owner is called, and how
 * often an open incident's thread may get a reply.
 */
export const driftSettings = pgTable('drift_settings', {
  projectId: bigint('project_id', { mode: 'number' })
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  teamId: text('team_id').notNull(),
  /** DriftSettings (src/domain/drift/settings.ts) as validated JSON. */
  settings: jsonb('settings').notNull().default({}),
  /** Null: the project's home channel. */
  alertChannelId: text('alert_channel_id'),
  ackTimeoutMinutes: integer('ack_timeout_minutes').notNull().default(30),
  replyIntervalMinutes: integer('reply_interval_minutes').notNull().default(15),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
});

/**
 * One drift incident: one alert thread in the alert channel. While it is not resolved, later
 * drifted batches reply in its thread instead of opening another. `status` changes by
 * compare-and-set; `rootOutboxId` is the outbox row of its root message (its ts is the thread).
 * At most one unresolved incident per project (partial unique index in the migration).
 */
export const driftIncidents = pgTable(
  'drift_incidents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    status: text('status', { enum: INCIDENT_STATUS }).notNull().default('open'),
    severity: text('severity', { enum: INCIDENT_SEVERITY }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    firstBatchId: bigint('first_batch_id', { mode: 'number' }).notNull(),
    lastBatchId: bigint('last_batch_id', { mode: 'number' }).notNull(),
    rootOutboxId: bigint('root_outbox_id', { mode: 'number' }),
    /** Who last changed the state, and when (shown on the root message). */
    changedBy: text('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Throttling of thread replies: the last reply, and the batches folded into the next digest since. */
    lastReplyAt: timestamp('last_reply_at', { withTimezone: true }),
    skippedBatches: integer('skipped_batches').notNull().default(0),
    skippedDrifted: integer('skipped_drifted').notNull().default(0),
  },
  (t) => [index('drift_incidents_project').on(t.projectId, t.status)],
);

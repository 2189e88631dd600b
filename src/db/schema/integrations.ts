import { bigint, bigserial, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { gates } from './gates.js';
import { projects } from './projects.js';

/**
 * A project's MLflow Model Registry webhook: MLflow signs each delivery with `secret` (HMAC-SHA256,
 * as MLflow documents), the URL names the hook by `publicId`, and only events about `modelName`
 * count. Setting `alias` on a version opens the deployment gate. The secret is kept as given: the
 * app must compute the HMAC with it, so it cannot be stored as a hash.
 */
export const mlflowHooks = pgTable(
  'mlflow_hooks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    publicId: text('public_id').notNull(),
    secret: text('secret').notNull(),
    modelName: text('model_name').notNull(),
    alias: text('alias').notNull(),
    /** The MLflow tracking server, for links and for reading a version's run metrics; null: neither. */
    trackingUrl: text('tracking_url'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('mlflow_hooks_public_id').on(t.publicId), uniqueIndex('mlflow_hooks_project').on(t.projectId)],
);

/** Deliveries already handled, by MLflow's X-MLflow-Delivery-Id: a retried delivery does nothing twice. */
export const mlflowDeliveries = pgTable('mlflow_deliveries', {
  deliveryId: text('delivery_id').primaryKey(),
  hookId: bigint('hook_id', { mode: 'number' })
    .notNull()
    .references(() => mlflowHooks.id, { onDelete: 'cascade' }),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
});

/**
 * A model version the channel heard about: the outbox row of its message (its thread carries what
 * follows: the alias, the gate and its outcome) and the gate it opened, if any.
 */
export const mlflowVersions = pgTable(
  'mlflow_versions',
  {
    hookId: bigint('hook_id', { mode: 'number' })
      .notNull()
      .references(() => mlflowHooks.id, { onDelete: 'cascade' }),
    modelName: text('model_name').notNull(),
    version: text('version').notNull(),
    rootOutboxId: bigint('root_outbox_id', { mode: 'number' }).notNull(),
    gateId: bigint('gate_id', { mode: 'number' }).references(() => gates.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.hookId, t.modelName, t.version] })],
);

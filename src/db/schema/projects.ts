import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, bigint } from 'drizzle-orm/pg-core';

import { PHASES } from '../../shared/enums.js';

export const projects = pgTable(
  'projects',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    slug: text('slug').notNull(),
    channelId: text('channel_id').notNull(),
    ownerId: text('owner_id').notNull(),
    phase: text('phase', { enum: PHASES }).notNull().default('design'),
    /** The design brief as validated by the domain's zod schema; null until intake starts filling it. */
    brief: jsonb('brief'),
    /**
     * Bumped by every write of the brief (an intake answer, Edit brief, a confirmed stakeholder
     * list), so an Edit brief modal can be saved only on the version it was opened on: a
     * submission on an older version is refused instead of silently overwriting someone's edit.
     */
    briefVersion: integer('brief_version').notNull().default(0),
    /** Who wrote the brief last (for "… changed the brief while you were editing"); null before anyone did. */
    briefUpdatedBy: text('brief_updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('projects_team_slug').on(t.teamId, t.slug), index('projects_team_channel').on(t.teamId, t.channelId)],
);

export const phaseChanges = pgTable(
  'phase_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    fromPhase: text('from_phase', { enum: PHASES }),
    toPhase: text('to_phase', { enum: PHASES }).notNull(),
    /** How the change was decided: a gate's GO, the owner's explicit override, or project creation. */
    via: text('via', { enum: ['created', 'gate', 'override'] }).notNull(),
    gateId: bigint('gate_id', { mode: 'number' }),
    actorId: text('actor_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('phase_changes_project').on(t.projectId, t.at)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' }).references(() => projects.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    detail: jsonb('detail').notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('audit_log_project').on(t.projectId, t.at)],
);

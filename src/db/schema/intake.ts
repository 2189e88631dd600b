import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects.js';

export const INTAKE_STATUS = ['open', 'complete', 'cancelled', 'expired'] as const;

/**
 * One design-phase intake conversation: a Slack thread in which the bot asks for what the
 * project's brief (projects.brief) still lacks. `version` is bumped on every change so that two
 * replies handled at once (or by two replicas) cannot both apply to the same question.
 */
export const intakes = pgTable(
  'intakes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    /** The thread root's ts; null only between the command and the root message being posted. */
    threadTs: text('thread_ts'),
    requesterId: text('requester_id').notNull(),
    /** Who may answer: the requester and anyone mentioned in the command or the thread. */
    participants: jsonb('participants').$type<string[]>().notNull(),
    status: text('status', { enum: INTAKE_STATUS }).notNull().default('open'),
    /** The field the last question asked for, and that question as shown. */
    currentField: text('current_field'),
    currentQuestion: text('current_question'),
    /** Follow-up questions asked per field (the LLM may ask again about a vague answer, a bounded number of times). */
    followUps: jsonb('follow_ups').$type<Record<string, number>>().notNull().default({}),
    /** The LLM's "Is ML the right tool?" assessment, written when the intake completes. */
    assessment: text('assessment'),
    /** The Design brief message, so Edit brief can update it. */
    briefTs: text('brief_ts'),
    version: integer('version').notNull().default(0),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('intakes_project').on(t.projectId),
    uniqueIndex('intakes_thread').on(t.teamId, t.channelId, t.threadTs),
    index('intakes_status').on(t.status, t.lastActivityAt),
  ],
);

export const PROPOSAL_STATUS = ['pending', 'confirmed', 'declined', 'superseded'] as const;

/**
 * A change of a project's stakeholder list proposed by someone other than its owner (PRODUCT §2:
 * stakeholders may propose, the owner confirms). The stakeholders choose a project's default
 * voters, so a list nobody but its owner confirmed never takes effect. A newer proposal supersedes
 * an older pending one; `status` leaves `pending` exactly once, by a compare-and-set.
 */
export const stakeholderProposals = pgTable(
  'stakeholder_proposals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    proposedBy: text('proposed_by').notNull(),
    stakeholders: jsonb('stakeholders').$type<string[]>().notNull(),
    status: text('status', { enum: PROPOSAL_STATUS }).notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('stakeholder_proposals_project').on(t.projectId, t.status)],
);

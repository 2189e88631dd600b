import { bigint, bigserial, boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { VIABILITY_ANSWERS, VIABILITY_VERDICTS } from '../../shared/enums.js';
import { projects } from './projects.js';

/**
 * One viability check-in: the question posted for a project at a schedule slot (or on demand).
 * Unique per (project, slot) so a slot never yields two check-ins, whichever replica ran it.
 * `outboxId` is the outbox row of the posted message; its `ts` is where answers and the summary go.
 */
export const viabilityCheckins = pgTable(
  'viability_checkins',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Null for `/mlops viability <slug> now`. */
    scheduleId: bigint('schedule_id', { mode: 'number' }),
    slotAt: timestamp('slot_at', { withTimezone: true }).notNull(),
    requestedBy: text('requested_by'),
    channelId: text('channel_id').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    /** Set once, by whichever replica's close won the compare-and-set. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    verdict: text('verdict', { enum: VIABILITY_VERDICTS }),
    /** Answer counts at close, e.g. {"on_track":2,"at_risk":1,"not_viable":0}. */
    counts: jsonb('counts'),
    summaryPosted: boolean('summary_posted').notNull().default(false),
    escalated: boolean('escalated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('viability_checkins_project_slot').on(t.projectId, t.slotAt), index('viability_checkins_project_closed').on(t.projectId, t.closedAt)],
);

/** One answer per person per check-in; answering again replaces it. */
export const viabilityResponses = pgTable(
  'viability_responses',
  {
    checkinId: bigint('checkin_id', { mode: 'number' })
      .notNull()
      .references(() => viabilityCheckins.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    answer: text('answer', { enum: VIABILITY_ANSWERS }).notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.checkinId, t.userId] })],
);

import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const OUTBOX_STATUS = ['pending', 'sending', 'sent', 'failed'] as const;
export const OUTBOX_METHODS = ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'files.upload', 'views.publish'] as const;
/** Methods that add a message to a channel or thread: posts in one thread go out in the order they were queued. */
export const OUTBOX_POSTS = ['chat.postMessage', 'files.upload'] as const;
export const isOutboxPost = (method: string): boolean => (OUTBOX_POSTS as readonly string[]).includes(method);

/**
 * Messages that jobs and the API send. A worker delivers them with retries; `ts` is written back so
 * later updates and thread replies can find the message. `parentId` makes a row a thread reply to
 * another outbox row and `targetId` an update of one: both wait until that row has its `ts`.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    /** `files.upload`: a file (base64 in the payload) uploaded with files v2, in the thread of `parentId` when given. */
    method: text('method', { enum: OUTBOX_METHODS }).notNull(),
    /** Where it goes: the channel; for `views.publish`, the person whose App Home it redraws. */
    channelId: text('channel_id').notNull(),
    payload: jsonb('payload').notNull(),
    /** Callers pass a key when the same logical message may be enqueued twice (e.g. one check-in per slot). */
    dedupeKey: text('dedupe_key'),
    parentId: bigint('parent_id', { mode: 'number' }),
    targetId: bigint('target_id', { mode: 'number' }),
    status: text('status', { enum: OUTBOX_STATUS }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    ts: text('ts'),
    /**
     * The posted message's permalink (chat.getPermalink), asked once, the first time something links
     * to the message (the App Home's gates, check-ins and alerts), then read from here.
     */
    permalink: text('permalink'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * Rows of one lane go out one at a time, in id order: the posts of one thread (`thread:…`) and
     * the updates of one message (`message:…`). Null: no order to keep (top-level posts, ephemerals).
     */
    lane: text('lane'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe').on(t.dedupeKey),
    index('outbox_due').on(t.status, t.nextAttemptAt),
    // "Is an earlier row of this lane still unsent?" is asked for every candidate row of a claim.
    index('outbox_lane_open').on(t.lane, t.id).where(sql`status in ('pending', 'sending')`),
    // Updates of one message, by lane ("was a later one already sent?") and by target (coalescing a
    // live refresh): without them both scan every row the outbox ever sent.
    index('outbox_update_lane').on(t.lane, t.id).where(sql`method = 'chat.update'`),
    index('outbox_update_target').on(t.targetId).where(sql`method = 'chat.update'`),
    // A claim takes the oldest open rows (order by id, limit): walked from the primary key it passes
    // every row ever sent first — 20 ms a claim at 115,000 sent rows, 4 ms from this index.
    index('outbox_open').on(t.id).where(sql`status in ('pending', 'sending')`),
  ],
);

/** Recurring schedules (cron + IANA zone); `nextRunAt` is the next slot any replica may claim. */
export const schedules = pgTable(
  'schedules',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull(),
    active: boolean('active').notNull().default(true),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
    options: jsonb('options').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('schedules_kind_ref').on(t.kind, t.ref), index('schedules_due').on(t.active, t.nextRunAt)],
);

/** A slot is run by whichever replica inserts its row first: the primary key is the exactly-once guarantee. */
export const slotClaims = pgTable(
  'slot_claims',
  {
    scheduleId: bigint('schedule_id', { mode: 'number' }).notNull(),
    slotAt: timestamp('slot_at', { withTimezone: true }).notNull(),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.slotAt] })],
);

/** One-shot jobs at a time (gate deadlines, reminders, escalations); claimed with a lease, done once. */
export const timers = pgTable(
  'timers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').notNull().default({}),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    claimedBy: text('claimed_by'),
    attempts: integer('attempts').notNull().default(0),
    doneAt: timestamp('done_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('timers_kind_ref_due').on(t.kind, t.ref, t.dueAt), index('timers_due').on(t.doneAt, t.dueAt)],
);

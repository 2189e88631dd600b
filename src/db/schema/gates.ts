import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { GATE_OUTCOMES, PHASES, VOTES } from '../../shared/enums.js';
import { projects } from './projects.js';

export const GATE_STATUS = ['open', 'closed', 'cancelled'] as const;

/**
 * A go/no-go vote on a phase change. `status` moves open → closed|cancelled exactly once, by a
 * compare-and-set update in the transaction that also writes the outcome and any phase change.
 */
export const gates = pgTable(
  'gates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    fromPhase: text('from_phase', { enum: PHASES }).notNull(),
    toPhase: text('to_phase', { enum: PHASES }).notNull(),
    question: text('question').notNull(),
    /** Why it was requested (a button, a viability escalation), shown with the question. */
    reason: text('reason'),
    openedBy: text('opened_by').notNull(),
    /** Eligible voters (Slack user ids), unique. */
    voters: jsonb('voters').$type<string[]>().notNull(),
    quorum: integer('quorum').notNull(),
    deadline: timestamp('deadline', { withTimezone: true }).notNull(),
    anonymous: boolean('anonymous').notNull().default(false),
    /** The Go / No-go / Abstain counts are not shown until close (only how many voted): no bandwagon, and an anonymous tally that moves just after a click gives nothing away. */
    hideResults: boolean('hide_results').notNull().default(false),
    /**
     * Anonymous gates only: the per-gate HMAC key that turns a voter into a ballot key. It exists
     * while the gate is open (to keep one ballot per person) and is wiped in the closing
     * transaction, after which ballot keys cannot be linked back to people.
     */
    anonSecret: text('anon_secret'),
    /** Snapshot of the evidence blocks at opening: people vote on the facts the gate was opened with. */
    evidence: jsonb('evidence').$type<unknown[]>().notNull().default([]),
    status: text('status', { enum: GATE_STATUS }).notNull().default('open'),
    outcome: text('outcome', { enum: GATE_OUTCOMES }),
    /** Final counts, written at close. */
    finalTally: jsonb('final_tally').$type<{ go: number; noGo: number; abstain: number; total: number }>(),
    /** Anonymous gates: who took part (sorted, not in voting order), revealed after close. */
    participants: jsonb('participants').$type<string[]>(),
    /** True when GO moved the project; false when the project had already left `fromPhase`. */
    phaseChanged: boolean('phase_changed'),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    quorumReachedAt: timestamp('quorum_reached_at', { withTimezone: true }),
    /** The outbox row that posts the gate message; updates and thread replies hang off it. */
    messageOutboxId: bigint('message_outbox_id', { mode: 'number' }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('gates_project').on(t.projectId, t.openedAt),
    // A second open gate for the same transition would split the vote; closed ones are history.
    uniqueIndex('gates_one_open_per_transition').on(t.projectId, t.fromPhase, t.toPhase).where(sql`status = 'open'`),
  ],
);

/**
 * One ballot per (gate, voter key). The key is the Slack user id, or in anonymous mode an HMAC of
 * it under the gate's secret. Deliberately no timestamps or serial id: in anonymous mode they would
 * let anyone line ballots up with the audit log or the participation list.
 */
export const gateBallots = pgTable(
  'gate_ballots',
  {
    gateId: bigint('gate_id', { mode: 'number' })
      .notNull()
      .references(() => gates.id, { onDelete: 'cascade' }),
    voterKey: text('voter_key').notNull(),
    vote: text('vote', { enum: VOTES }).notNull(),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.gateId, t.voterKey] })],
);

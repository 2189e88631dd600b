import { and, count, desc, eq, getTableColumns, isNull, ne, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client.js';
import { auditLog, gateBallots, gates, projects, slackRequestsSeen, timers } from '../schema/index.js';
import { homeLane, homePublishCtes } from './outbox.js';
import { isUniqueViolation } from './projects.js';

export type GateRow = typeof gates.$inferSelect;
export type NewGate = typeof gates.$inferInsert;
export type BallotRow = typeof gateBallots.$inferSelect;
/** A gate as a vote reads it (without the evidence blocks). */
export type VoteGate = Omit<GateRow, 'evidence'>;

/** Inserts an open gate; null when an open gate for the same transition exists (partial unique index). */
export async function insertGate(db: Db, values: NewGate): Promise<GateRow | null> {
  try {
    const [row] = await db.insert(gates).values(values).returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export async function findGate(db: Db, teamId: string, id: number): Promise<GateRow | undefined> {
  const [row] = await db.select().from(gates).where(and(eq(gates.teamId, teamId), eq(gates.id, id)));
  return row;
}

export async function findOpenGate(db: Db, projectId: number, fromPhase: GateRow['fromPhase'], toPhase: GateRow['toPhase']): Promise<GateRow | undefined> {
  const [row] = await db
    .select()
    .from(gates)
    .where(and(eq(gates.projectId, projectId), eq(gates.fromPhase, fromPhase), eq(gates.toPhase, toPhase), eq(gates.status, 'open')));
  return row;
}

export async function openGatesOfProject(db: Db, teamId: string, projectId: number): Promise<GateRow[]> {
  return db.select().from(gates).where(and(eq(gates.teamId, teamId), eq(gates.projectId, projectId), eq(gates.status, 'open'))).orderBy(gates.deadline);
}

/** The last gate that closed with a decision (a superseded gate decided nothing; see domain/gates/rules.ts). */
export async function lastClosedGate(db: Db, teamId: string, projectId: number): Promise<GateRow | undefined> {
  const [row] = await db
    .select()
    .from(gates)
    .where(and(eq(gates.teamId, teamId), eq(gates.projectId, projectId), eq(gates.status, 'closed'), ne(gates.outcome, 'superseded')))
    .orderBy(desc(gates.closedAt), desc(gates.id))
    .limit(1);
  return row;
}

export async function setGateMessage(db: Db, gateId: number, outboxId: number): Promise<void> {
  await db.update(gates).set({ messageOutboxId: outboxId }).where(eq(gates.id, gateId));
}

/**
 * The gate row as a vote sees it, locked FOR SHARE until the vote's transaction ends: votes run side
 * by side, while the closing compare-and-set (an UPDATE) waits for votes in flight and every vote
 * after it sees the gate closed. So no ballot lands after the tally was taken.
 */
export async function lockGateForVote(tx: Db, teamId: string, id: number): Promise<VoteGate | undefined> {
  // Everything but the evidence snapshot, which a vote never needs and which can be large.
  const { evidence: _evidence, ...columns } = getTableColumns(gates);
  const [row] = await tx
    .select(columns)
    .from(gates)
    .where(and(eq(gates.teamId, teamId), eq(gates.id, id)))
    .for('share');
  return row;
}

/** One vote of a batch as written: no voter key for a refused vote (only its request key is recorded). */
export interface BatchBallot {
  requestKey: string | null;
  voterKey: string | null;
  vote: BallotRow['vote'];
  reason: string | null;
  /** Who voted: their App Home is redrawn when the ballot is new or changed (never stored with the ballot). */
  userId: string | null;
  /** The audit entry written when the ballot is new or changed. */
  actorId: string;
  detail: Record<string, unknown>;
  at: Date;
}

export interface BallotBatchWritten {
  /** The request keys not seen before; a vote whose key is not here is a repeat, and nothing of it was written. */
  fresh: Set<string>;
  /** Voter keys whose ballot was new ('cast') or changed ('changed'); one not here voted the same again. */
  written: Map<string, 'cast' | 'changed'>;
}

/**
 * A batch of one gate's votes in one statement, inside the caller's transaction (which holds the
 * gate FOR SHARE): the request keys (`slack_requests_seen`), the ballots of the votes whose key is
 * new — upserted under (gate, voter key), so concurrent clicks of one person are one ballot — an
 * audit entry for each ballot that is new or changed, and, if any was, the batch's follow-up timer.
 * One round trip instead of four: while a burst of clicks keeps the event loop busy, each round
 * trip waits for its turn behind them. Keys and ballots are written in key order, so that batches
 * on different replicas lock rows in the same order. Voter keys must be distinct within a batch.
 * With `home`, the same statement queues a redraw of the App Home of each voter whose ballot is new
 * or changed (`homePublishCtes`: coalesced, and only for people who use Home) — of that voter only.
 */
export async function writeBallotBatch(
  tx: Db,
  b: {
    teamId: string;
    gateId: number;
    projectId: number;
    now: Date;
    ballots: BatchBallot[];
    timer: { kind: string; ref: string; dueAt: Date; payload: Record<string, unknown> };
    home?: { render: Record<string, unknown> };
  },
): Promise<BallotBatchWritten> {
  const items = JSON.stringify(
    b.ballots.map((x, n) => ({
      n,
      request_key: x.requestKey,
      voter_key: x.voterKey,
      vote: x.vote,
      reason: x.reason,
      actor: x.actorId,
      detail: x.detail,
      at: x.at.toISOString(),
      user_id: x.userId,
      home_lane: x.userId ? homeLane(b.teamId, x.userId) : null,
    })),
  );
  const home = b.home
    ? sql`, ${homePublishCtes({ teamId: b.teamId, render: b.home.render, now: b.now, source: sql`select i.user_id, i.home_lane as lane from b join i using (voter_key) where i.user_id is not null` })}`
    : sql``;
  const res = await tx.execute(sql`
    with i as (
      select * from jsonb_to_recordset(${items}::jsonb) as i(n int, request_key text, voter_key text, vote text, reason text, actor text, detail jsonb, at timestamptz, user_id text, home_lane text)
    ),
    k as (
      insert into ${slackRequestsSeen} (key, seen_at, state)
      select distinct request_key, ${b.now.toISOString()}::timestamptz, 'done' from i where request_key is not null order by 1
      on conflict do nothing
      returning key
    ),
    b as (
      insert into ${gateBallots} (gate_id, voter_key, vote, reason)
      select ${b.gateId}::bigint, voter_key, vote, reason from i
      where voter_key is not null and (request_key is null or request_key in (select key from k))
      order by voter_key
      on conflict (gate_id, voter_key) do update set vote = excluded.vote, reason = excluded.reason
      where (${gateBallots}.vote, ${gateBallots}.reason) is distinct from (excluded.vote, excluded.reason)
      -- xmax = 0 only on a freshly inserted row version, not on one rewritten by ON CONFLICT UPDATE.
      returning voter_key, (xmax = 0) as inserted
    ),
    a as (
      insert into ${auditLog} (team_id, project_id, actor_id, action, detail, at)
      select ${b.teamId}::text, ${b.projectId}::bigint, i.actor, case when b.inserted then 'gate.ballot_cast' else 'gate.ballot_changed' end, i.detail, i.at
      from b join i using (voter_key)
      order by i.n
    ),
    t as (
      insert into ${timers} (team_id, kind, ref, due_at, payload)
      select ${b.teamId}::text, ${b.timer.kind}::text, ${b.timer.ref}::text, ${b.timer.dueAt.toISOString()}::timestamptz, ${JSON.stringify(b.timer.payload)}::jsonb
      where exists (select 1 from b)
      on conflict do nothing
    )${home}
    select (select coalesce(json_agg(key), '[]'::json) from k) as fresh,
           (select coalesce(json_agg(json_build_array(voter_key, inserted)), '[]'::json) from b) as written`);
  const row = rowsOf<{ fresh: string[] | string; written: [string, boolean][] | string }>(res)[0]!;
  // pg parses json columns; PGlite may hand them over as text.
  const fresh = (typeof row.fresh === 'string' ? JSON.parse(row.fresh) : row.fresh) as string[];
  const written = (typeof row.written === 'string' ? JSON.parse(row.written) : row.written) as [string, boolean][];
  return { fresh: new Set(fresh), written: new Map(written.map(([key, inserted]) => [key, inserted ? 'cast' : 'changed'])) };
}

/** An open gate as a voter's App Home lists it (the evidence blocks left out). */
export type VoterGate = Pick<GateRow, 'id' | 'fromPhase' | 'toPhase' | 'question' | 'channelId' | 'deadline' | 'anonymous' | 'anonSecret' | 'messageOutboxId'> & { slug: string };

/**
 * Open gates where this person is an eligible voter, soonest deadline first, with the project slug
 * (at most `limit`), and how many there are in all.
 */
export async function openGatesForVoter(db: Db, teamId: string, userId: string, limit = 20): Promise<{ gates: VoterGate[]; total: number }> {
  const rows = await db
    .select({
      id: gates.id,
      fromPhase: gates.fromPhase,
      toPhase: gates.toPhase,
      question: gates.question,
      channelId: gates.channelId,
      deadline: gates.deadline,
      anonymous: gates.anonymous,
      anonSecret: gates.anonSecret,
      messageOutboxId: gates.messageOutboxId,
      slug: projects.slug,
      total: sql<number>`count(*) over ()`,
    })
    .from(gates)
    .innerJoin(projects, eq(projects.id, gates.projectId))
    .where(and(eq(gates.teamId, teamId), eq(gates.status, 'open'), sql`${gates.voters} @> ${JSON.stringify([userId])}::jsonb`))
    .orderBy(gates.deadline, gates.id)
    .limit(limit);
  return { gates: rows.map(({ total: _total, ...g }) => g), total: Number(rows[0]?.total ?? 0) };
}

/** The votes stored under these (gate, voter key) pairs, by gate id; pairs without a ballot are absent. */
export async function ballotsByKey(db: Db, keys: readonly { gateId: number; voterKey: string }[]): Promise<Map<number, BallotRow['vote']>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({ gateId: gateBallots.gateId, vote: gateBallots.vote })
    .from(gateBallots)
    .where(sql`(${gateBallots.gateId}, ${gateBallots.voterKey}) in (${sql.join(keys.map((k) => sql`(${k.gateId}::bigint, ${k.voterKey}::text)`), sql`, `)})`);
  return new Map(rows.map((r) => [Number(r.gateId), r.vote]));
}

export async function ballotsOf(db: Db, gateId: number): Promise<BallotRow[]> {
  return db.select().from(gateBallots).where(eq(gateBallots.gateId, gateId)).orderBy(gateBallots.voterKey);
}

export async function countBallots(db: Db, gateId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(gateBallots).where(eq(gateBallots.gateId, gateId));
  return Number(row?.n ?? 0);
}

/** Compare-and-set: true once, for the first caller to see quorum on an open gate. */
export async function markQuorumReached(db: Db, gateId: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(gates)
    .set({ quorumReachedAt: now })
    .where(and(eq(gates.id, gateId), isNull(gates.quorumReachedAt), eq(gates.status, 'open')))
    .returning({ id: gates.id });
  return rows.length === 1;
}

/** Step two of closing, in the same transaction: the outcome, and the anonymous secret wiped. */
export async function completeGate(tx: Db, gateId: number, set: Pick<NewGate, 'outcome' | 'finalTally' | 'participants' | 'phaseChanged'>): Promise<GateRow> {
  const [row] = await tx
    .update(gates)
    .set({ ...set, anonSecret: null })
    .where(eq(gates.id, gateId))
    .returning();
  return row!;
}

/** Step one of closing: claims the gate (open → closed|cancelled) or returns undefined if already done. */
export async function claimGateClose(tx: Db, gateId: number, status: 'closed' | 'cancelled', closedBy: string, now: Date): Promise<GateRow | undefined> {
  const [row] = await tx
    .update(gates)
    .set({ status, closedBy, closedAt: now })
    .where(and(eq(gates.id, gateId), eq(gates.status, 'open')))
    .returning();
  return row;
}

import { and, count, desc, eq, getTableColumns, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { gateBallots, gates, projects } from '../schema/index.js';
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

export type BallotWrite = Pick<BallotRow, 'voterKey' | 'vote' | 'reason'>;

/**
 * Writes a gate's ballots in one statement (distinct voter keys: a key may not be upserted twice in
 * one statement); the primary key (gate, voter key) makes concurrent clicks of one person one
 * ballot. Returns the voter keys whose ballot was new ('cast') or changed ('changed'); a key not in
 * the map voted the same again (nothing written). Written in key order, so that two batches on
 * different replicas lock the same rows in the same order.
 */
export async function upsertBallots(tx: Db, gateId: number, ballots: BallotWrite[]): Promise<Map<string, 'cast' | 'changed'>> {
  if (ballots.length === 0) return new Map();
  const sorted = [...ballots].sort((a, b) => (a.voterKey < b.voterKey ? -1 : a.voterKey > b.voterKey ? 1 : 0));
  const rows = await tx
    .insert(gateBallots)
    .values(sorted.map((b) => ({ gateId, voterKey: b.voterKey, vote: b.vote, reason: b.reason })))
    .onConflictDoUpdate({
      target: [gateBallots.gateId, gateBallots.voterKey],
      set: { vote: sql`excluded.vote`, reason: sql`excluded.reason` },
      setWhere: sql`(${gateBallots.vote}, ${gateBallots.reason}) is distinct from (excluded.vote, excluded.reason)`,
    })
    // xmax = 0 only on a freshly inserted row version, not on one rewritten by ON CONFLICT UPDATE.
    .returning({ voterKey: gateBallots.voterKey, inserted: sql<boolean>`(xmax = 0)` });
  return new Map(rows.map((r) => [r.voterKey, r.inserted ? 'cast' : 'changed']));
}

/** Open gates where this person is an eligible voter, soonest deadline first, with the project slug. */
export async function openGatesForVoter(db: Db, teamId: string, userId: string, limit = 20): Promise<(GateRow & { slug: string })[]> {
  const rows = await db
    .select({ gate: gates, slug: projects.slug })
    .from(gates)
    .innerJoin(projects, eq(projects.id, gates.projectId))
    .where(and(eq(gates.teamId, teamId), eq(gates.status, 'open'), sql`${gates.voters} @> ${JSON.stringify([userId])}::jsonb`))
    .orderBy(gates.deadline)
    .limit(limit);
  return rows.map((r) => ({ ...r.gate, slug: r.slug }));
}

export async function hasBallot(db: Db, gateId: number, voterKey: string): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(gateBallots).where(and(eq(gateBallots.gateId, gateId), eq(gateBallots.voterKey, voterKey)));
  return Number(row?.n ?? 0) > 0;
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

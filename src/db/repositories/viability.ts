import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, notExists, sql } from 'drizzle-orm';
import type { ViabilityAnswer, ViabilityVerdict } from '../../shared/enums.js';
import type { Db } from '../client.js';
import { outbox, projects, viabilityCheckins, viabilityResponses } from '../schema/index.js';

export type CheckinRow = typeof viabilityCheckins.$inferSelect;
export type ResponseRow = typeof viabilityResponses.$inferSelect;

/** Inserts the check-in of a slot; null when that slot already has one (another replica, a retry). */
export async function createCheckin(
  db: Db,
  c: { teamId: string; projectId: number; scheduleId: number | null; slotAt: Date; requestedBy: string | null; channelId: string; closesAt: Date; now: Date },
): Promise<CheckinRow | null> {
  const [row] = await db
    .insert(viabilityCheckins)
    .values({ ...c, createdAt: c.now })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function setCheckinOutbox(db: Db, id: number, outboxId: number): Promise<void> {
  await db.update(viabilityCheckins).set({ outboxId }).where(eq(viabilityCheckins.id, id));
}

/** A check-in with the ts and payload of its posted message (null until the outbox delivered it). */
export async function findCheckin(db: Db, teamId: string, id: number): Promise<(CheckinRow & { ts: string | null; payload: unknown }) | undefined> {
  const [row] = await db
    .select({ c: viabilityCheckins, ts: outbox.ts, payload: outbox.payload })
    .from(viabilityCheckins)
    .leftJoin(outbox, eq(outbox.id, viabilityCheckins.outboxId))
    .where(and(eq(viabilityCheckins.teamId, teamId), eq(viabilityCheckins.id, id)));
  return row ? { ...row.c, ts: row.ts, payload: row.payload } : undefined;
}

export type AnswerOutcome = { ok: true; checkin: CheckinRow } | { ok: false; reason: 'unknown' | 'closed'; checkin?: CheckinRow };

/**
 * Records (or replaces) a person's answer while the check-in is open. The check-in row is locked
 * for share, and closing it updates that row, so an answer is either counted in the summary or
 * refused — never stored after the tally was taken. `comment` undefined keeps an earlier comment.
 */
export async function recordAnswer(
  db: Db,
  a: { teamId: string; checkinId: number; userId: string; answer: ViabilityAnswer; comment?: string | null; now: Date },
): Promise<AnswerOutcome> {
  return db.transaction(async (tx) => {
    const [checkin] = await tx
      .select()
      .from(viabilityCheckins)
      .where(and(eq(viabilityCheckins.teamId, a.teamId), eq(viabilityCheckins.id, a.checkinId)))
      .for('share');
    if (!checkin) return { ok: false, reason: 'unknown' };
    if (checkin.closedAt || checkin.closesAt <= a.now) return { ok: false, reason: 'closed', checkin };
    const set = { answer: a.answer, updatedAt: a.now, ...(a.comment !== undefined ? { comment: a.comment } : {}) };
    await tx
      .insert(viabilityResponses)
      .values({ checkinId: a.checkinId, userId: a.userId, answer: a.answer, comment: a.comment ?? null, createdAt: a.now, updatedAt: a.now })
      .onConflictDoUpdate({ target: [viabilityResponses.checkinId, viabilityResponses.userId], set });
    return { ok: true, checkin };
  });
}

export async function responsesFor(db: Db, checkinId: number): Promise<ResponseRow[]> {
  return db.select().from(viabilityResponses).where(eq(viabilityResponses.checkinId, checkinId)).orderBy(asc(viabilityResponses.createdAt), asc(viabilityResponses.userId));
}

export async function findResponse(db: Db, checkinId: number, userId: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(viabilityResponses).where(and(eq(viabilityResponses.checkinId, checkinId), eq(viabilityResponses.userId, userId)));
  return row;
}

/**
 * Step one of closing, first in its transaction: the compare-and-set on closed_at, so exactly one
 * caller goes on. It takes the check-in row's lock, so an answer in flight (recordAnswer holds the
 * row for share) has committed before it, and any later one sees the check-in closed. The tally is
 * read after this, in the same transaction. False when it was already closed.
 */
export async function claimCheckinClose(tx: Db, id: number, now: Date): Promise<boolean> {
  const rows = await tx
    .update(viabilityCheckins)
    .set({ closedAt: now })
    .where(and(eq(viabilityCheckins.id, id), sql`${viabilityCheckins.closedAt} is null`))
    .returning({ id: viabilityCheckins.id });
  return rows.length === 1;
}

/** Step two, in the same transaction: the result. The summary reply is still to be queued. */
export async function recordCheckinResult(tx: Db, id: number, c: { verdict: ViabilityVerdict; counts: Record<string, number>; escalated: boolean }): Promise<void> {
  await tx.update(viabilityCheckins).set({ verdict: c.verdict, counts: c.counts, escalated: c.escalated, summaryPosted: false }).where(eq(viabilityCheckins.id, id));
}

/** Compare-and-set: true once, for the caller that queues the summary of a closed check-in. */
export async function markSummaryQueued(tx: Db, id: number): Promise<boolean> {
  const rows = await tx
    .update(viabilityCheckins)
    .set({ summaryPosted: true })
    .where(and(eq(viabilityCheckins.id, id), isNotNull(viabilityCheckins.closedAt), eq(viabilityCheckins.summaryPosted, false)))
    .returning({ id: viabilityCheckins.id });
  return rows.length === 1;
}

/** The verdict of the project's last closed check-in before `slotAt` that got any answers. */
export async function previousVerdict(db: Db, projectId: number, beforeSlot: Date): Promise<ViabilityVerdict | null> {
  const [row] = await db
    .select({ verdict: viabilityCheckins.verdict })
    .from(viabilityCheckins)
    .where(
      and(
        eq(viabilityCheckins.projectId, projectId),
        lt(viabilityCheckins.slotAt, beforeSlot),
        isNotNull(viabilityCheckins.closedAt),
        ne(viabilityCheckins.verdict, 'no_responses'),
      ),
    )
    .orderBy(desc(viabilityCheckins.slotAt))
    .limit(1);
  return row?.verdict ?? null;
}

/** The project's most recent closed check-in, if any. */
export async function lastClosedCheckin(db: Db, projectId: number): Promise<CheckinRow | undefined> {
  const [row] = await db
    .select()
    .from(viabilityCheckins)
    .where(and(eq(viabilityCheckins.projectId, projectId), isNotNull(viabilityCheckins.closedAt)))
    .orderBy(desc(viabilityCheckins.slotAt))
    .limit(1);
  return row;
}

/**
 * The project's closed check-ins with a slot at or before `upTo`, newest first (at most `limit`):
 * the trend a check-in shows, and the run of silent ones its close looks at.
 */
export async function recentClosedCheckins(db: Db, projectId: number, upTo: Date, limit: number): Promise<{ id: number; verdict: ViabilityVerdict; closedAt: Date; slotAt: Date }[]> {
  const rows = await db
    .select({ id: viabilityCheckins.id, verdict: viabilityCheckins.verdict, closedAt: viabilityCheckins.closedAt, slotAt: viabilityCheckins.slotAt })
    .from(viabilityCheckins)
    .where(and(eq(viabilityCheckins.projectId, projectId), lte(viabilityCheckins.slotAt, upTo), isNotNull(viabilityCheckins.closedAt), isNotNull(viabilityCheckins.verdict)))
    .orderBy(desc(viabilityCheckins.slotAt), desc(viabilityCheckins.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, verdict: r.verdict!, closedAt: r.closedAt!, slotAt: r.slotAt }));
}

/** An open check-in as a person's App Home lists it. */
export type AwaitedCheckin = Pick<CheckinRow, 'id' | 'channelId' | 'closesAt' | 'outboxId'> & { slug: string };

/**
 * Open check-ins of these projects (still taking answers at `now`) that this person has not
 * answered, closing soonest first (at most `limit`), and how many there are in all.
 */
export async function checkinsAwaitingAnswer(db: Db, teamId: string, projectIds: readonly number[], userId: string, now: Date, limit: number): Promise<{ checkins: AwaitedCheckin[]; total: number }> {
  if (projectIds.length === 0) return { checkins: [], total: 0 };
  const answered = db
    .select({ one: sql`1` })
    .from(viabilityResponses)
    .where(and(eq(viabilityResponses.checkinId, viabilityCheckins.id), eq(viabilityResponses.userId, userId)));
  const rows = await db
    .select({ id: viabilityCheckins.id, channelId: viabilityCheckins.channelId, closesAt: viabilityCheckins.closesAt, outboxId: viabilityCheckins.outboxId, slug: projects.slug, total: sql<number>`count(*) over ()` })
    .from(viabilityCheckins)
    .innerJoin(projects, eq(projects.id, viabilityCheckins.projectId))
    .where(
      and(
        eq(viabilityCheckins.teamId, teamId),
        inArray(viabilityCheckins.projectId, [...projectIds]),
        isNull(viabilityCheckins.closedAt),
        gt(viabilityCheckins.closesAt, now),
        notExists(answered),
      ),
    )
    .orderBy(asc(viabilityCheckins.closesAt), asc(viabilityCheckins.id))
    .limit(limit);
  return { checkins: rows.map(({ total: _total, ...c }) => c), total: Number(rows[0]?.total ?? 0) };
}

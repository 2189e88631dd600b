import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { schedules, slotClaims, timers } from '../schema/index.js';

export type ScheduleRow = typeof schedules.$inferSelect;
export type TimerRow = typeof timers.$inferSelect;

/** Creates or replaces the schedule of (kind, ref), active from now. */
export async function upsertSchedule(
  db: Db,
  s: { teamId: string; kind: string; ref: string; cron: string; timezone: string; nextRunAt: Date; options?: Record<string, unknown>; now: Date },
): Promise<ScheduleRow> {
  const values = { teamId: s.teamId, kind: s.kind, ref: s.ref, cron: s.cron, timezone: s.timezone, nextRunAt: s.nextRunAt, options: s.options ?? {}, active: true, updatedAt: s.now };
  const [row] = await db
    .insert(schedules)
    .values({ ...values, createdAt: s.now })
    .onConflictDoUpdate({ target: [schedules.kind, schedules.ref], set: values })
    .returning();
  return row!;
}

export async function findSchedule(db: Db, kind: string, ref: string): Promise<ScheduleRow | undefined> {
  const [row] = await db.select().from(schedules).where(and(eq(schedules.kind, kind), eq(schedules.ref, ref)));
  return row;
}

/** Turns a schedule off; false when there was no active one. */
export async function deactivateSchedule(db: Db, kind: string, ref: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(schedules)
    .set({ active: false, updatedAt: now })
    .where(and(eq(schedules.kind, kind), eq(schedules.ref, ref), eq(schedules.active, true)))
    .returning({ id: schedules.id });
  return rows.length > 0;
}

export async function findScheduleById(db: Db, id: number): Promise<ScheduleRow | undefined> {
  const [row] = await db.select().from(schedules).where(eq(schedules.id, id));
  return row;
}

export async function deactivateScheduleById(db: Db, id: number, now: Date): Promise<void> {
  await db.update(schedules).set({ active: false, updatedAt: now }).where(eq(schedules.id, id));
}

/**
 * Turns a schedule off only if it is still active with the cron and zone the caller read: one
 * changed meanwhile (its owner fixed it with `--every`) stays on. True when it was turned off.
 */
export async function deactivateScheduleIfUnchanged(db: Db, s: { id: number; cron: string; timezone: string; now: Date }): Promise<boolean> {
  const rows = await db
    .update(schedules)
    .set({ active: false, updatedAt: s.now })
    .where(and(eq(schedules.id, s.id), eq(schedules.active, true), eq(schedules.cron, s.cron), eq(schedules.timezone, s.timezone)))
    .returning({ id: schedules.id });
  return rows.length > 0;
}

/**
 * The schedule, if it is still active, locked for share until the caller's transaction ends: a
 * slot's handler checks this in the transaction that does the slot's work, so a schedule turned
 * off before that transaction stops the slot, and one turned off later waits for it to commit.
 */
export async function lockActiveSchedule(tx: Db, id: number): Promise<ScheduleRow | undefined> {
  const [row] = await tx.select().from(schedules).where(and(eq(schedules.id, id), eq(schedules.active, true))).for('share');
  return row;
}

export async function dueSchedules(db: Db, now: Date, limit: number): Promise<ScheduleRow[]> {
  return db.select().from(schedules).where(and(eq(schedules.active, true), lte(schedules.nextRunAt, now))).orderBy(asc(schedules.nextRunAt)).limit(limit);
}

/**
 * Claims many slots and, in the same transaction, adds for each slot this caller won the one-shot
 * timer that runs it, already leased to the caller (attempt 1). Inserting the claim row is the
 * exactly-once decision: the primary key lets exactly one replica's row in. The timer makes the
 * claimed slot durable work: if the caller dies before running it, the timer's lease runs out and
 * another replica runs the slot. Returns the timers by `${scheduleId}@${slotMs}`.
 */
export async function claimSlots(
  db: Db,
  claims: { scheduleId: number; teamId: string; slotAt: Date }[],
  run: { timerKind: string; claimedBy: string; now: Date; leaseUntil: Date },
): Promise<Map<string, TimerRow>> {
  if (claims.length === 0) return new Map();
  return db.transaction(async (txn) => {
    const tx: Db = txn;
    const won = await tx
      .insert(slotClaims)
      .values(claims.map((c) => ({ scheduleId: c.scheduleId, slotAt: c.slotAt, claimedBy: run.claimedBy, claimedAt: run.now })))
      .onConflictDoNothing()
      .returning({ scheduleId: slotClaims.scheduleId, slotAt: slotClaims.slotAt });
    if (won.length === 0) return new Map();
    const teams = new Map(claims.map((c) => [c.scheduleId, c.teamId]));
    const rows = await tx
      .insert(timers)
      .values(
        won.map((w) => ({
          teamId: teams.get(w.scheduleId)!,
          kind: run.timerKind,
          ref: slotRef(w.scheduleId, w.slotAt),
          dueAt: run.now,
          payload: { scheduleId: w.scheduleId, slotAt: w.slotAt.toISOString() },
          leaseUntil: run.leaseUntil,
          claimedBy: run.claimedBy,
          attempts: 1,
        })),
      )
      .onConflictDoNothing()
      .returning();
    const bySlot = new Map(rows.map((r) => [r.ref, r]));
    return new Map(won.flatMap((w) => {
      const timer = bySlot.get(slotRef(w.scheduleId, w.slotAt));
      return timer ? [[`${w.scheduleId}@${w.slotAt.getTime()}`, timer] as const] : [];
    }));
  });
}

/** The ref of the timer that runs a schedule's slot: `<scheduleId>@<slot ISO time>`. */
export function slotRef(scheduleId: number, slotAt: Date): string {
  return `${scheduleId}@${slotAt.toISOString()}`;
}

/**
 * Compare-and-set of many schedules' next_run_at in one statement: each moves only if it still
 * holds the value this caller read (compared at millisecond precision, as JavaScript wrote it), so a
 * schedule changed meanwhile (by `--every`, or another replica) keeps the newer value.
 */
export async function advanceSchedules(db: Db, moves: { id: number; expected: Date; next: Date }[]): Promise<void> {
  if (moves.length === 0) return;
  const values = sql.join(
    moves.map((m) => sql`(${m.id}::bigint, ${m.expected.toISOString()}::timestamptz, ${m.next.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`
    update ${schedules} set next_run_at = v.next
    from (values ${values}) as v(id, expected, next)
    where ${schedules.id} = v.id and date_trunc('milliseconds', ${schedules.nextRunAt}) = v.expected`);
}

export async function countClaims(db: Db, scheduleId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(slotClaims).where(eq(slotClaims.scheduleId, scheduleId));
  return Number(row?.n ?? 0);
}

/** Whether a slot of the schedule later than `slotAt` has been claimed (the schedule has moved on). */
export async function laterSlotClaimed(db: Db, scheduleId: number, slotAt: Date): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(slotClaims)
    .where(and(eq(slotClaims.scheduleId, scheduleId), gt(slotClaims.slotAt, slotAt)));
  return Number(row?.n ?? 0) > 0;
}

/** A one-shot job; adding the same (kind, ref, due) twice keeps one. */
export async function addTimer(db: Db, t: { teamId: string; kind: string; ref: string; dueAt: Date; payload?: Record<string, unknown> }): Promise<void> {
  await db.insert(timers).values({ ...t, payload: t.payload ?? {} }).onConflictDoNothing();
}

/** addTimer for many timers, with one statement. */
export async function addTimers(db: Db, ts: { teamId: string; kind: string; ref: string; dueAt: Date; payload?: Record<string, unknown> }[]): Promise<void> {
  if (ts.length === 0) return;
  await db
    .insert(timers)
    .values(ts.map((t) => ({ ...t, payload: t.payload ?? {} })))
    .onConflictDoNothing();
}

export async function cancelTimers(db: Db, kind: string, ref: string, now: Date): Promise<void> {
  await db.update(timers).set({ cancelledAt: now }).where(and(eq(timers.kind, kind), eq(timers.ref, ref), isNull(timers.doneAt), isNull(timers.cancelledAt)));
}

/** Claims due timers under a lease; one that outlives its lease (a crashed replica) is claimed again. */
export async function claimDueTimers(db: Db, now: Date, by: string, leaseMs: number, limit: number): Promise<TimerRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: timers.id })
      .from(timers)
      .where(and(isNull(timers.doneAt), isNull(timers.cancelledAt), lte(timers.dueAt, now), or(isNull(timers.leaseUntil), lt(timers.leaseUntil, now))))
      .orderBy(asc(timers.dueAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    const claimed: TimerRow[] = [];
    for (const { id } of due) {
      const [row] = await tx
        .update(timers)
        .set({ leaseUntil: new Date(now.getTime() + leaseMs), claimedBy: by, attempts: sql`${timers.attempts} + 1` })
        .where(eq(timers.id, id))
        .returning();
      claimed.push(row!);
    }
    return claimed;
  });
}

export async function completeTimer(db: Db, id: number, now: Date): Promise<void> {
  await completeTimers(db, [id], now);
}

export async function completeTimers(db: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(timers).set({ doneAt: now, leaseUntil: null }).where(inArray(timers.id, ids));
}

/** Puts a failed timer back: it is claimed again from `at` on (its attempts count stays). */
export async function retryTimer(db: Db, id: number, at: Date): Promise<void> {
  await db.update(timers).set({ leaseUntil: at }).where(eq(timers.id, id));
}

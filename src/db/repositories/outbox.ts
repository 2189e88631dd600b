import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Db, rowsOf } from '../client.js';
import { homeVisitors, isOutboxPost, outbox } from '../schema/index.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxMethod = OutboxRow['method'];

/**
 * The payload of a `files.upload` row: the file's bytes (base64), its name — unique per upload, as a
 * retry finds an upload that may have reached Slack by it — and how Slack shows it.
 */
export interface FileUploadPayload {
  file_base64: string;
  filename: string;
  title: string;
  alt_text?: string;
  initial_comment?: string;
}

export interface EnqueueInput {
  teamId: string;
  method: OutboxMethod;
  channelId: string;
  /** Arguments for the Web API method, without channel/ts/thread_ts (resolved at delivery). */
  payload: Record<string, unknown>;
  dedupeKey?: string;
  /** Post as a reply in the thread of this outbox row's message. */
  parentId?: number;
  /** For chat.update: the outbox row whose message to update. */
  targetId?: number;
  /** A thread_ts or ts already known (a message not sent through the outbox). */
  threadTs?: string;
  ts?: string;
  now: Date;
  /** Not to be sent before this (e.g. a throttled message update); default now. */
  notBefore?: Date;
}

/**
 * The one rule of order, for every feature: the updates of one message go out one at a time in the
 * order they were queued (so a slow early update can never land after a later one, e.g. a live tally
 * drawn before a close), and so do the posts of one thread (a reply never overtakes an earlier one
 * while that one is retried). The migration that added lanes applies the same rule in SQL.
 */
export function laneOf(m: { teamId?: string; method: OutboxMethod; channelId: string; parentId?: number | null; targetId?: number | null; threadTs?: string; ts?: string }): string | null {
  // One person's Home (its channel id is the person): publishes go out one at a time, so an older
  // drawing never lands after a newer one. The team is in it: in an Enterprise Grid one user id
  // has a Home in each workspace.
  if (m.method === 'views.publish') return `home:${m.teamId ?? ''}:${m.channelId}`;
  if (m.method === 'chat.update') {
    if (m.targetId) return `message:${m.targetId}`;
    return m.ts ? `message:${m.channelId}:${m.ts}` : null;
  }
  if (isOutboxPost(m.method)) {
    if (m.parentId) return `thread:${m.parentId}`;
    return m.threadTs ? `thread:${m.channelId}:${m.threadTs}` : null;
  }
  return null;
}

/** Queues a message; with a dedupe key already used, returns the existing row instead of a second one. */
export async function enqueue(db: Db, m: EnqueueInput): Promise<OutboxRow> {
  const payload = { ...m.payload, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), ...(m.ts ? { ts: m.ts } : {}) };
  const rows = await db
    .insert(outbox)
    .values({ teamId: m.teamId, method: m.method, channelId: m.channelId, payload, dedupeKey: m.dedupeKey ?? null, parentId: m.parentId ?? null, targetId: m.targetId ?? null, lane: laneOf(m), status: 'pending', nextAttemptAt: m.notBefore && m.notBefore > m.now ? m.notBefore : m.now, createdAt: m.now })
    .onConflictDoNothing()
    .returning();
  if (rows[0]) return rows[0];
  const [existing] = await db.select().from(outbox).where(eq(outbox.dedupeKey, m.dedupeKey!));
  return existing!;
}

/**
 * Queues many messages with one statement (the rows travel as one JSON parameter); as enqueue, a
 * row whose dedupe key is already used is not written. Returns the rows written, id and dedupe key.
 */
export async function enqueueMany(db: Db, ms: EnqueueInput[]): Promise<{ id: number; dedupeKey: string | null }[]> {
  if (ms.length === 0) return [];
  const input = ms.map((m) => ({
    team_id: m.teamId,
    method: m.method,
    channel_id: m.channelId,
    payload: { ...m.payload, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), ...(m.ts ? { ts: m.ts } : {}) },
    dedupe_key: m.dedupeKey ?? null,
    parent_id: m.parentId ?? null,
    target_id: m.targetId ?? null,
    lane: laneOf(m),
    next_attempt_at: (m.notBefore && m.notBefore > m.now ? m.notBefore : m.now).toISOString(),
    created_at: m.now.toISOString(),
  }));
  const res = await db.execute(sql`
    insert into ${outbox} (team_id, method, channel_id, payload, dedupe_key, parent_id, target_id, lane, status, next_attempt_at, created_at)
    select team_id, method, channel_id, payload, dedupe_key, parent_id, target_id, lane, 'pending', next_attempt_at, created_at
    from json_to_recordset(${JSON.stringify(input)}::json) as m(team_id text, method text, channel_id text, payload jsonb, dedupe_key text, parent_id bigint, target_id bigint, lane text, next_attempt_at timestamptz, created_at timestamptz)
    on conflict do nothing
    returning id, dedupe_key`);
  return rowsOf<{ id: string | number; dedupe_key: string | null }>(res).map((r) => ({ id: Number(r.id), dedupeKey: r.dedupe_key }));
}

export async function findOutboxByDedupeKey(db: Db, dedupeKey: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  return row;
}

export async function findOutbox(db: Db, id: number): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/**
 * `orphaned`: the message this row replies to or updates failed for good, so it never will have a ts.
 * `superseded`: an update of a message that a later update of the same message already replaced
 * (its transaction committed after the later one went out); sending it would show older content.
 */
export type ClaimedRow = OutboxRow & { recovering: boolean; parentTs: string | null; targetTs: string | null; orphaned: boolean; superseded: boolean };

/**
 * The database's clock, in whole milliseconds (JavaScript dates hold no more, and a claim is
 * recognised by its exact lease). Leases are read and written in this one clock, at the moment of
 * the statement: neither an app instance's clock nor the start of a slow job pass can make a lease
 * that is already over when it is taken.
 */
const dbNow = sql`date_trunc('milliseconds', clock_timestamp())`;
const leaseEnd = (leaseMs: number) => sql`${dbNow} + ${leaseMs} * interval '1 millisecond'`;

/**
 * Claims due rows under a lease, skipping rows another worker holds. A row still `sending` after its
 * lease ran out belongs to a worker that died mid-send: it comes back flagged `recovering` so the
 * caller can check whether Slack already has the message before sending it again.
 *
 * Order: a row with a lane (see `laneOf`) is claimed only when every earlier row of its lane has
 * been sent or has failed for good — not while one waits for a retry, is in flight with any worker,
 * or is still being claimed by another (it is then still `pending`). So a claim holds at most one
 * row per lane, and the next row of a lane is claimed by a later claim.
 */
export async function claimDueOutbox(db: Db, now: Date, leaseMs: number, limit: number): Promise<ClaimedRow[]> {
  const parent = alias(outbox, 'parent');
  const target = alias(outbox, 'target');
  const head = alias(outbox, 'head');
  const later = alias(outbox, 'later');
  return db.transaction(async (tx) => {
    // The first unsent row of every lane, read once per claim from the partial index on (lane, id):
    // a per-row "is there an earlier unsent row?" probe let the planner scan the table for each
    // candidate, quadratic once thousands of rows queue in one lane (a CI burst into a runs thread).
    const laneHeads = tx
      .selectDistinctOn([head.lane], { id: head.id })
      .from(head)
      .where(and(isNotNull(head.lane), inArray(head.status, ['pending', 'sending'])))
      .orderBy(head.lane, head.id);
    const laterSent = tx
      .select({ id: later.id })
      .from(later)
      .where(and(eq(later.lane, outbox.lane), gt(later.id, outbox.id), eq(later.method, 'chat.update'), eq(later.status, 'sent')));
    const due = await tx
      .select({
        row: outbox,
        parentTs: parent.ts,
        targetTs: target.ts,
        parentStatus: parent.status,
        targetStatus: target.status,
        superseded: sql<boolean>`(${outbox.method} = 'chat.update' and exists ${laterSent})`,
      })
      .from(outbox)
      .leftJoin(parent, eq(parent.id, outbox.parentId))
      .leftJoin(target, eq(target.id, outbox.targetId))
      .where(
        and(
          or(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)), and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, dbNow))),
          or(isNull(outbox.parentId), isNotNull(parent.ts), eq(parent.status, 'failed')),
          or(isNull(outbox.targetId), isNotNull(target.ts), eq(target.status, 'failed')),
          or(isNull(outbox.lane), inArray(outbox.id, laneHeads)),
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(limit)
      .for('update', { of: outbox, skipLocked: true });
    if (due.length === 0) return [];
    const leased = await tx
      .update(outbox)
      .set({ status: 'sending', leaseUntil: leaseEnd(leaseMs), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due.map((d) => d.row.id)))
      .returning({ id: outbox.id, leaseUntil: outbox.leaseUntil });
    const leaseOf = new Map(leased.map((l) => [l.id, l.leaseUntil]));
    return due.map((d) => ({
      ...d.row,
      leaseUntil: leaseOf.get(d.row.id) ?? null,
      attempts: d.row.attempts + 1,
      recovering: d.row.status === 'sending',
      parentTs: d.parentTs,
      targetTs: d.targetTs,
      orphaned: (d.parentStatus === 'failed' && !d.parentTs) || (d.targetStatus === 'failed' && !d.targetTs),
      superseded: Boolean(d.superseded),
    }));
  });
}

/**
 * A claim on a row: its id and the lease it was claimed with. Writing an outcome only succeeds
 * while the lease is still this claim's, so a worker that overran its lease (a slow Slack call)
 * cannot overwrite what the worker that took the row over recorded.
 */
export type OutboxClaim = Pick<OutboxRow, 'id' | 'leaseUntil'>;

const heldBy = (claim: OutboxClaim) => and(eq(outbox.id, claim.id), claim.leaseUntil ? eq(outbox.leaseUntil, claim.leaseUntil) : isNull(outbox.leaseUntil));

/**
 * Extends a claim's lease from the database's clock right before a Slack call, so the call (bounded
 * by the client's timeout, well under a lease) ends before anyone may take the row over. Null when
 * the claim was already taken over: the caller must not send.
 */
export async function renewLease(db: Db, claim: OutboxClaim, leaseMs: number): Promise<OutboxClaim | null> {
  const [row] = await db.update(outbox).set({ leaseUntil: leaseEnd(leaseMs) }).where(and(heldBy(claim), eq(outbox.status, 'sending'))).returning({ id: outbox.id, leaseUntil: outbox.leaseUntil });
  return row ?? null;
}

/** False when the claim had been taken over meanwhile (nothing written). */
export async function markSent(db: Db, claim: OutboxClaim, ts: string | null, now: Date): Promise<boolean> {
  const rows = await db.update(outbox).set({ status: 'sent', ts, sentAt: now, leaseUntil: null, lastError: null }).where(heldBy(claim)).returning({ id: outbox.id });
  return rows.length > 0;
}

/**
 * Puts a claimed row back in the queue. `refundAttempt`: the try did not reach Slack (held by, or
 * answered with, a rate limit) so it does not count toward the attempt limit.
 */
export async function markRetry(db: Db, claim: OutboxClaim, nextAttemptAt: Date, error: string, opts: { refundAttempt?: boolean } = {}): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: 'pending',
      nextAttemptAt,
      leaseUntil: null,
      lastError: error,
      ...(opts.refundAttempt ? { attempts: sql`greatest(${outbox.attempts} - 1, 0)` } : {}),
    })
    .where(heldBy(claim));
}

/** False when the claim had been taken over meanwhile (nothing written). */
export async function markFailed(db: Db, claim: OutboxClaim, error: string): Promise<boolean> {
  const rows = await db.update(outbox).set({ status: 'failed', leaseUntil: null, lastError: error }).where(heldBy(claim)).returning({ id: outbox.id });
  return rows.length > 0;
}

/** A 429 applies to the workspace's method tier: hold every pending row of that kind, not just one. */
export async function deferPending(db: Db, teamId: string, method: OutboxMethod, until: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ nextAttemptAt: until })
    .where(and(eq(outbox.teamId, teamId), eq(outbox.method, method), eq(outbox.status, 'pending'), lt(outbox.nextAttemptAt, until)));
}

export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.select({ status: outbox.status, n: sql<number>`count(*)::int` }).from(outbox).groupBy(outbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Queues a `chat.update` of the message that outbox row `targetId` posted, rendered when it is sent
 * (`payload.render`), so it always shows the state of the database at send time. Coalesced for
 * every feature the same way: nothing is queued while an update of that message is still pending
 * (it has not rendered yet, so it will include this change too), and the update goes out no
 * sooner than `intervalMs` after the last one sent (Slack allows about 50 chat.update a minute).
 * Final updates (a close) are queued with a dedupe key instead and are never coalesced away.
 */
export async function queueCoalescedUpdate(
  db: Db,
  u: { teamId: string; channelId: string; targetId: number; payload: Record<string, unknown>; now: Date; intervalMs: number },
): Promise<boolean> {
  const at = u.now.toISOString();
  const res = await db.execute(sql`
    insert into ${outbox} (team_id, method, channel_id, payload, target_id, lane, status, next_attempt_at, created_at)
    select ${u.teamId}, 'chat.update', ${u.channelId}, ${JSON.stringify(u.payload)}::jsonb, ${u.targetId}, ${laneOf({ method: 'chat.update', channelId: u.channelId, targetId: u.targetId })}, 'pending',
           greatest(${at}::timestamptz, coalesce((select max(o.sent_at) from ${outbox} o where o.target_id = ${u.targetId} and o.method = 'chat.update') + ${u.intervalMs} * interval '1 millisecond', ${at}::timestamptz)),
           ${at}::timestamptz
    where not exists (select 1 from ${outbox} o where o.target_id = ${u.targetId} and o.method = 'chat.update' and o.status = 'pending' and o.dedupe_key is null)
    returning id`);
  return rowsOf(res).length === 1;
}

/** A person's App Home lane (see `laneOf`): the outbox rows that redraw it. */
export const homeLane = (teamId: string, userId: string): string => laneOf({ teamId, method: 'views.publish', channelId: userId })!;

/**
 * Queues a `views.publish` of the App Home of each of `userIds` who has opened it (home_visitors),
 * rendered when it is sent (`render`, plus the person as `render.userId`), so it shows the database
 * as it is then. Coalesced per person: nothing is queued for someone whose Home already has a
 * publish waiting, which renders later and so shows this change too. One statement for any number
 * of people. Returns how many publishes were queued.
 */
export async function queueHomePublishes(db: Db, u: { teamId: string; userIds: readonly string[]; render: Record<string, unknown>; now: Date }): Promise<number> {
  const people = [...new Set(u.userIds)].map((user_id) => ({ user_id, lane: homeLane(u.teamId, user_id) }));
  if (people.length === 0) return 0;
  const source = sql`select p.user_id, p.lane from json_to_recordset(${JSON.stringify(people)}::json) as p(user_id text, lane text)`;
  const res = await db.execute(sql`with ${homePublishCtes({ ...u, source })} select count(*)::int as n from home_queued`);
  return Number(rowsOf<{ n: number | string }>(res)[0]?.n ?? 0);
}

/**
 * The common table expressions of a coalesced Home publish, for a statement that finds the people
 * in its own way (`source`: rows of user_id and lane — `homeLane`); the last, `home_queued`, returns
 * the ids queued. A person's waiting row is locked (FOR UPDATE) until the caller's transaction
 * ends, so a worker, which skips locked rows, cannot render it before this change is committed. A
 * row locked by someone else is skipped, not waited for, and a new one queued: it may be a worker's
 * claim, about to render without this change, or another change's transaction (then the person gets
 * one redraw more than needed). Never waiting means two transactions that queue redraws for the
 * same people in a different order cannot deadlock.
 */
export function homePublishCtes(u: { teamId: string; source: SQL; render: Record<string, unknown>; now: Date }): SQL {
  const at = u.now.toISOString();
  return sql`
    home_wanted as (
      select distinct s.user_id, s.lane from (${u.source}) s
      join ${homeVisitors} v on v.team_id = ${u.teamId} and v.user_id = s.user_id
    ),
    home_waiting as (
      select o.lane from ${outbox} o
      where o.lane in (select lane from home_wanted) and o.method = 'views.publish' and o.status = 'pending'
      for update of o skip locked
    ),
    home_queued as (
      insert into ${outbox} (team_id, method, channel_id, payload, lane, status, next_attempt_at, created_at)
      select ${u.teamId}, 'views.publish', w.user_id, jsonb_build_object('render', ${JSON.stringify(u.render)}::jsonb || jsonb_build_object('userId', w.user_id)), w.lane, 'pending', ${at}::timestamptz, ${at}::timestamptz
      from home_wanted w
      where not exists (select 1 from home_waiting x where x.lane = w.lane)
      returning id
    )`;
}

/** A posted message's permalink, as far as it is known. */
export interface MessagePlace {
  outboxId: number;
  channelId: string;
  /** Null until the message went out. */
  ts: string | null;
  permalink: string | null;
}

/** Where the messages that these outbox rows posted are; rows not found are left out. */
export async function messagePlaces(db: Db, outboxIds: readonly number[]): Promise<MessagePlace[]> {
  if (outboxIds.length === 0) return [];
  const rows = await db.select({ outboxId: outbox.id, channelId: outbox.channelId, ts: outbox.ts, permalink: outbox.permalink }).from(outbox).where(inArray(outbox.id, [...new Set(outboxIds)]));
  return rows;
}

export async function setPermalink(db: Db, outboxId: number, permalink: string): Promise<void> {
  await db.update(outbox).set({ permalink }).where(eq(outbox.id, outboxId));
}

/** Rows still to send (pending or being sent) and the creation time of the oldest, for /metrics; read off the open-rows index. */
export async function openOutboxBacklog(db: Db): Promise<{ depth: number; oldest: Date | null }> {
  const [row] = await db
    .select({ depth: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${outbox.createdAt})` })
    .from(outbox)
    .where(sql`${outbox.status} in ('pending', 'sending')`);
  return { depth: Number(row?.depth ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

/**
 * `queueCoalescedUpdate` for a caller inside the transaction that makes the change (a run joining
 * its day's thread), so the update commits with the change or not at all. Coalescing on a row
 * queued earlier is then only safe while no worker can draw that row before this transaction
 * commits: the waiting update — or the message itself, while it is still to be posted, since it is
 * drawn when sent too — is locked (FOR UPDATE) until then, and workers skip locked rows. A row
 * already locked by someone else may be a worker's claim about to draw it without this change: it
 * is skipped, not waited for, and an update queued. True when an update was queued.
 */
export async function queueCoalescedUpdateIn(
  tx: Db,
  u: { teamId: string; channelId: string; targetId: number; payload: Record<string, unknown>; now: Date; intervalMs: number },
): Promise<boolean> {
  const at = u.now.toISOString();
  const res = await tx.execute(sql`
    with message_waiting as (
      select o.id from ${outbox} o where o.id = ${u.targetId} and o.status = 'pending'
      for update of o skip locked
    ),
    update_waiting as (
      select o.id from ${outbox} o where o.target_id = ${u.targetId} and o.method = 'chat.update' and o.status = 'pending' and o.dedupe_key is null
      for update of o skip locked
    )
    insert into ${outbox} (team_id, method, channel_id, payload, target_id, lane, status, next_attempt_at, created_at)
    select ${u.teamId}, 'chat.update', ${u.channelId}, ${JSON.stringify(u.payload)}::jsonb, ${u.targetId}, ${laneOf({ method: 'chat.update', channelId: u.channelId, targetId: u.targetId })}, 'pending',
           greatest(${at}::timestamptz, coalesce((select max(o.sent_at) from ${outbox} o where o.target_id = ${u.targetId} and o.method = 'chat.update') + ${u.intervalMs} * interval '1 millisecond', ${at}::timestamptz)),
           ${at}::timestamptz
    where not exists (select 1 from message_waiting) and not exists (select 1 from update_waiting)
    returning id`);
  return rowsOf(res).length === 1;
}

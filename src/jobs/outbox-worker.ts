import { performance } from 'node:perf_hooks';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { type ClaimedRow, claimDueOutbox, deferPending, markFailed, markRetry, markSent, renewLease } from '../db/repositories/outbox.js';
import { isOutboxPost } from '../db/schema/index.js';
import type { OutboxFailureHandler, OutboxRenderer } from '../services/job-handlers.js';
import { SLACK_CALL_TIMEOUT_MS } from '../services/workspaces/slack-clients.js';

/**
 * A lease outlasts the longest send: a file upload is three calls of at most SLACK_CALL_TIMEOUT_MS
 * each, and the lease is renewed right before the first of them.
 */
const LEASE_MS = Math.max(60_000, 4 * SLACK_CALL_TIMEOUT_MS);
const BATCH = 50;
const MAX_ATTEMPTS = 40;
const MAX_BACKOFF_MS = 15 * 60_000;
export const OUTBOX_EVENT_TYPE = 'mlops_outbox';

/** A `files.upload` row's payload (FileUploadPayload in the outbox repository), checked before it is sent. */
const FilePayload = z.object({
  file_base64: z.string().min(1),
  filename: z.string().min(1),
  title: z.string().min(1),
  alt_text: z.string().optional(),
  initial_comment: z.string().optional(),
});

/** Slack answers that will not change on a retry: the message is marked failed, not retried. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'msg_too_long', 'no_text', 'message_not_found', 'cant_update_message', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_authed', 'invalid_arguments', 'thread_not_found', 'restricted_action', 'user_not_in_channel']);

export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * A failure after which Slack may or may not have posted (HTTP 5xx, timeout, connection reset): the
 * next attempt looks for the message in the channel before posting again.
 */
const UNCERTAIN = 'uncertain: ';

function mayHavePosted(row: ClaimedRow): boolean {
  return row.recovering || (row.lastError?.startsWith(UNCERTAIN) ?? false);
}

/** Until a lookup has settled it, "an earlier try may have posted" survives later failures. */
function carryUncertainty(row: ClaimedRow, reason: string): string {
  return mayHavePosted(row) && !reason.startsWith(UNCERTAIN) ? `${UNCERTAIN}${reason}` : reason;
}

/**
 * Delivers due outbox rows. Guarantee (see README "Reliability notes"): every row is delivered or,
 * after MAX_ATTEMPTS failures or one permanent Slack error, marked failed with the reason — never
 * silently dropped. Rate-limited tries do not count as attempts, so a long 429 spell never fails a
 * row. Each posted message carries its outbox id in Slack message metadata; before re-posting a
 * row whose earlier try may have reached Slack (its sender died mid-send, or the answer was a 5xx
 * or a timeout) the worker looks for that id in the channel, so such a row is not posted twice as
 * long as Slack's history answers. Returns how many rows were delivered.
 */
export async function deliverOutbox(
  deps: Deps,
  now: Date,
  renderers: Record<string, OutboxRenderer> = {},
  failures: Record<string, OutboxFailureHandler> = {},
  /** Asked before each claim after the first: false ends the pass (the runner's time budget, a stop). */
  keepGoing: () => boolean = () => true,
): Promise<number> {
  let delivered = 0;
  for (let first = true; first || keepGoing(); first = false) {
    // At most one row per lane (a thread, a message's updates) comes back, so rows of one batch
    // never have to wait for each other; the next row of a lane comes in the next claim.
    const rows = drawHomesLast(await claimDueOutbox(deps.db, now, LEASE_MS, BATCH));
    // A 429 holds the rest of this batch for the same workspace and method until Retry-After.
    const limited = new Map<string, Date>();
    const started = performance.now();
    let settled = 0;
    for (const row of rows) {
      // Rows not tried by half a lease go back to the queue (no attempt used) rather than sit claimed.
      if (performance.now() - started > LEASE_MS / 2) {
        await markRetry(deps.db, row, now, carryUncertainty(row, 'not tried: the batch ran long'), { refundAttempt: true });
        continue;
      }
      const key = `${row.teamId}:${row.method}`;
      const heldUntil = limited.get(key);
      if (heldUntil) {
        await markRetry(deps.db, row, heldUntil, carryUncertainty(row, 'held by a rate limit'), { refundAttempt: true });
        continue;
      }
      const outcome = await deliverOne(deps, row, now, renderers, failures);
      if (outcome instanceof Date) limited.set(key, outcome);
      if (outcome === 'sent') delivered++;
      if (outcome === 'sent' || outcome === 'failed') settled++;
    }
    // Another claim only while this one moved something on: a lane's next row is then free.
    if (rows.length === 0 || settled === 0 || limited.size > 0) return delivered;
  }
  return delivered;
}

/**
 * A Home lists messages with links to them (a gate just opened, a check-in just posted): it is drawn
 * after the other rows of its batch went out, so that those have their ts and can be linked. Rows
 * of one lane never share a batch, so this changes no order the lanes keep.
 */
function drawHomesLast(rows: ClaimedRow[]): ClaimedRow[] {
  return [...rows.filter((r) => r.method !== 'views.publish'), ...rows.filter((r) => r.method === 'views.publish')];
}

/** 'sent', 'retry', 'failed', or the instant a rate limit lifts. */
async function deliverOne(deps: Deps, row: ClaimedRow, now: Date, renderers: Record<string, OutboxRenderer>, failures: Record<string, OutboxFailureHandler>): Promise<'sent' | 'retry' | 'failed' | Date> {
  const fail = (reason: string) => failForGood(deps, row, reason, failures);
  let client: WebClient;
  try {
    client = await deps.slack.forTeam(row.teamId);
  } catch (err) {
    return fail(`no Slack client: ${(err as Error).message}`);
  }
  if (row.orphaned) {
    return fail('the message it replies to or updates failed');
  }
  if (row.method === 'files.upload' && !FilePayload.safeParse(row.payload).success) {
    // A caller's bug, not Slack's: no retry would fix it.
    deps.log.error(`outbox ${row.id}: files.upload payload without file_base64, filename and title`);
    return fail('invalid files.upload payload');
  }
  if (row.superseded) {
    // A later update of this message already went out: this one would only show older content.
    await markSent(deps.db, row, null, now);
    return 'sent';
  }
  // `on_failure` is the feature's note to itself (see failForGood), never sent to Slack.
  const { on_failure: _onFailure, ...sendable } = row.payload as Record<string, unknown>;
  let payload = sendable;
  try {
    if (mayHavePosted(row) && isOutboxPost(row.method)) {
      const ts = await findAlreadyPosted(deps, client, row);
      if (ts) {
        await markSent(deps.db, row, ts, now);
        return 'sent';
      }
    }
    const render = payload.render as { kind?: string } | undefined;
    if (render?.kind) {
      const renderer = renderers[render.kind];
      if (!renderer) throw new Error(`no outbox renderer for ${render.kind}`);
      const fresh = await renderer(deps, row, now);
      if (!fresh) {
        await markSent(deps.db, row, null, now);
        return 'sent';
      }
      const { render: _render, ...rest } = payload;
      payload = { ...rest, ...fresh };
    }
    // Renewed from the database's clock just before the call: if this worker was slow (a long
    // render, a stalled process) and another took the row over meanwhile, it must not post too.
    const renewed = await renewLease(deps.db, row, LEASE_MS);
    if (!renewed) {
      deps.log.warn(`outbox ${row.id}: lease taken over by another worker before sending; leaving it to that worker`);
      return 'retry';
    }
    row.leaseUntil = renewed.leaseUntil;
    let ts: string | null = null;
    if (row.method === 'chat.postMessage') {
      const res = await client.chat.postMessage({
        ...(payload as { text: string }),
        channel: row.channelId,
        ...(row.parentTs ? { thread_ts: row.parentTs } : {}),
        metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: row.id } },
      });
      ts = res.ts ?? null;
    } else if (row.method === 'chat.update') {
      const res = await client.chat.update({ ...(payload as { text: string; ts: string }), channel: row.channelId, ...(row.targetTs ? { ts: row.targetTs } : {}) });
      ts = res.ts ?? null;
    } else if (row.method === 'files.upload') {
      const file = FilePayload.parse(payload);
      const upload = {
        file: Buffer.from(file.file_base64, 'base64'),
        filename: file.filename,
        title: file.title,
        ...(file.alt_text ? { alt_text: file.alt_text } : {}),
        ...(file.initial_comment ? { initial_comment: file.initial_comment } : {}),
      };
      // files v2: getUploadURLExternal, the bytes, completeUploadExternal (into the parent's thread).
      if (row.parentTs) await client.files.uploadV2({ ...upload, channel_id: row.channelId, thread_ts: row.parentTs });
      else await client.files.uploadV2({ ...upload, channel_id: row.channelId });
    } else if (row.method === 'views.publish') {
      // A person's App Home: `channelId` is that person.
      await client.views.publish({ ...(payload as { view: View }), user_id: row.channelId });
    } else {
      await client.chat.postEphemeral({ ...(payload as { text: string; user: string }), channel: row.channelId, ...(row.parentTs ? { thread_ts: row.parentTs } : {}) });
    }
    await markSent(deps.db, row, ts, now);
    return 'sent';
  } catch (err) {
    return handleFailure(deps, row, err, now, fail);
  }
}

/**
 * Marks a row failed for good and, when it was queued with `payload.on_failure.kind`, runs that
 * feature's handler (which undoes what assumed the message would go out and tells the person). A
 * handler that fails is logged: the row stays failed either way.
 */
async function failForGood(deps: Deps, row: ClaimedRow, reason: string, failures: Record<string, OutboxFailureHandler>): Promise<'failed'> {
  if (!(await markFailed(deps.db, row, reason))) return 'failed';
  const kind = (row.payload as { on_failure?: { kind?: unknown } }).on_failure?.kind;
  const handler = typeof kind === 'string' ? failures[kind] : undefined;
  if (handler) await handler(deps, row, reason).catch((err: unknown) => deps.log.error(`outbox ${row.id}: its failure handler ${String(kind)} failed`, err));
  return 'failed';
}

async function handleFailure(deps: Deps, row: ClaimedRow, err: unknown, now: Date, fail: (reason: string) => Promise<'failed'>): Promise<'retry' | 'failed' | Date> {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number; message?: string };
  if (e.code === 'slack_webapi_rate_limited_error') {
    const until = new Date(now.getTime() + Math.max(1, e.retryAfter ?? 1) * 1000);
    // A 429 means Slack did not act on the call: nothing to look up, and no attempt used up.
    await markRetry(deps.db, row, until, carryUncertainty(row, `rate limited for ${e.retryAfter ?? 1}s`), { refundAttempt: true });
    await deferPending(deps.db, row.teamId, row.method, until);
    return until;
  }
  const slackError = e.data?.error;
  if (slackError && PERMANENT.has(slackError)) {
    deps.log.error(`outbox ${row.id} (${row.method} to ${row.channelId}) failed permanently: ${slackError}`);
    return fail(slackError);
  }
  // An `ok: false` answer is Slack refusing the call; anything else may have posted.
  const reason = slackError ?? `${UNCERTAIN}${e.statusCode ? `HTTP ${e.statusCode}` : (e.message ?? String(err))}`;
  if (row.attempts >= MAX_ATTEMPTS) {
    deps.log.error(`outbox ${row.id} gave up after ${row.attempts} attempts: ${reason}`);
    return fail(`gave up after ${row.attempts} attempts: ${reason}`);
  }
  await markRetry(deps.db, row, new Date(now.getTime() + backoffMs(row.attempts)), carryUncertainty(row, reason));
  return 'retry';
}

/**
 * Looks for our own earlier post of this row (by its metadata) in the channel or thread. When Slack
 * refuses the lookup itself (no history scope, bot not a member of a public channel it posts to via
 * chat:write.public), the row is posted again: a possible double beats a lost message.
 */
async function findAlreadyPosted(deps: Deps, client: WebClient, row: ClaimedRow): Promise<string | null> {
  // A file message carries no metadata: its file name, unique per upload, identifies it instead.
  const filename = row.method === 'files.upload' ? FilePayload.parse(row.payload).filename : null;
  const matches = (m: { metadata?: { event_type?: string; event_payload?: Record<string, unknown> }; files?: { name?: string }[] }) =>
    filename !== null
      ? (m.files ?? []).some((f) => f.name === filename)
      : m.metadata?.event_type === OUTBOX_EVENT_TYPE && Number(m.metadata.event_payload?.outbox_id) === row.id;
  try {
    const res = row.parentTs
      ? await client.conversations.replies({ channel: row.channelId, ts: row.parentTs, include_all_metadata: true, limit: 200 })
      : // No \`oldest\` from our clock: Slack's clock is not ours, and a skew would hide the post.
        await client.conversations.history({ channel: row.channelId, include_all_metadata: true, limit: 200 });
    const found = (res.messages ?? []).find((m) => matches(m as never));
    return found?.ts ?? null;
  } catch (err) {
    const slackError = (err as { data?: { error?: string } }).data?.error;
    if (!slackError) throw err;
    deps.log.warn(`outbox ${row.id}: cannot check ${row.channelId} for an earlier post (${slackError}); posting again`);
    return null;
  }
}

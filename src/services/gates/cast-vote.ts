import { randomUUID } from 'node:crypto';
import { cancelTimers } from '../../db/repositories/schedules.js';
import { type BatchBallot, findGate, type GateRow, lockGateForVote, markQuorumReached, type VoteGate, writeBallotBatch } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import type { Deps } from '../../deps.js';
import { voterKeyFor } from '../../domain/gates/anonymity.js';
import { shouldCloseEarly, type Vote } from '../../domain/gates/rules.js';
import { checkBallot } from '../../domain/gates/vote-check.js';
import { DomainError } from '../../domain/errors.js';
import { quorumReachedReply } from '../../messages/gate.js';
import { type BallotOutcome, ballotsSettled, type BallotWriter, queueBallot } from './ballot-queue.js';
import { closeGate } from './close-gate.js';
import { HOME_RENDER, queueHomeRefresh } from '../projects/home-refresh.js';
import { queueMessageUpdate, votersWhoVoted } from './gate-message.js';

export interface VoteInput {
  teamId: string;
  gateId: number;
  userId: string;
  vote: Vote;
  reason?: string | null;
}

export interface VoteResult {
  result: 'cast' | 'changed' | 'unchanged';
  gate: VoteGate;
  /** The ref of the vote's follow-up timer (see `finishVote`); null when the ballot did not change. */
  followUp: string | null;
}

/**
 * A vote's follow-up (redraw the message, close when everyone has voted, announce quorum) is
 * durable work: a one-shot timer committed with the ballot. The listener runs it right after the ack
 * and marks it done (`finishVote`); if that process dies first, any replica runs it once the
 * timer is due, so the last vote of a gate still closes it.
 */
export const GATE_AFTER_VOTE_TIMER = 'gate.after_vote';
const AFTER_VOTE_BACKSTOP_MS = 30_000;

/** How long a vote's follow-up waits for the rest of a burst on its gate to be written (see `finishVote`). */
export const FOLLOW_UP_WAIT_MS = 2500;

/** Refuses early (before a modal opens) what castVote would refuse: closed gate, past deadline, not eligible. */
export async function checkCanVote(deps: Deps, input: Omit<VoteInput, 'vote' | 'reason'>, now: Date): Promise<GateRow> {
  const gate = await findGate(deps.db, input.teamId, input.gateId);
  if (!gate) throw new DomainError('unknown_gate', 'This gate no longer exists.');
  try {
    assertVotable(gate, input.userId, 'abstain', null, now);
  } catch (err) {
    await closeIfOverdue(deps, gate, now);
    throw err;
  }
  return gate;
}

const isOverdue = (gate: Pick<VoteGate, 'status' | 'deadline'>, now: Date) => gate.status === 'open' && now.getTime() >= gate.deadline.getTime();

function assertVotable(gate: VoteGate, userId: string, vote: Vote, reason: string | null | undefined, now: Date) {
  const checked = checkBallot({ gateStatus: gate.status, eligible: gate.voters, voter: userId, vote, reason, outcome: gate.outcome });
  if (isOverdue(gate, now)) throw new DomainError('gate_closed', 'The deadline of this gate has passed; votes are no longer accepted.');
  return checked;
}

/**
 * A vote on a gate still open past its deadline means its deadline timer has not run (or gave up):
 * the vote closes it then, with the ballots cast before the deadline. closeGate's compare-and-set
 * keeps that exactly once against the timer and other late voters. A failure here is logged, not
 * shown: the voter's answer is the refusal either way.
 */
async function closeIfOverdue(deps: Deps, gate: Pick<VoteGate, 'id' | 'teamId' | 'status' | 'deadline'>, now: Date): Promise<void> {
  if (!isOverdue(gate, now)) return;
  await closeGate(deps, { teamId: gate.teamId, gateId: gate.id, closedBy: 'deadline' }, now).catch((err: unknown) => deps.log.error(`closing overdue gate ${gate.id} failed`, err));
}

/** A clicked vote: its request key (`trigger:<trigger_id>`) is recorded in the ballot's transaction. */
export interface ClickedVoteInput extends VoteInput {
  requestKey: string;
}

/**
 * A vote (from the No-go modal, or a test): written with the other votes on its gate that arrive
 * meanwhile (see `queueBallot`); resolves once its ballot committed.
 */
export async function castVote(deps: Deps, input: VoteInput, now: Date): Promise<VoteResult> {
  // Without a request key a vote is never a repeat.
  return (await queueBallot(deps, { input, requestKey: null, now }, writeBallots))!;
}

/**
 * A clicked vote. Its request key is recorded in the ballot's transaction (the dedupe middleware
 * leaves these clicks to this verb, saving each vote a connection and a commit): null when the key
 * was seen before — a replayed or retried click, which neither counts again nor is answered again.
 */
export async function castClickedVote(deps: Deps, input: ClickedVoteInput, now: Date): Promise<VoteResult | null> {
  const { requestKey, ...vote } = input;
  return queueBallot(deps, { input: vote, requestKey, now }, writeBallots);
}

/** A vote of a batch after the checks: what to write (`write`), and what to answer once it is written. */
type Checked = { requestKey: string | null; write: BatchBallot | null } & ({ kind: 'repeat' } | { kind: 'refused'; error: DomainError } | { kind: 'ballot'; voterKey: string });

/**
 * A batch of one gate's ballots, one transaction: the gate row is read FOR SHARE (so a concurrent
 * close waits for these votes, and a vote after the close sees it closed), then one statement
 * (`writeBallotBatch`) records the request keys (also of refused votes: a replay is not answered
 * twice), upserts the ballots of the votes not seen before under their (gate, voter) keys, and
 * writes their audit entries and one follow-up timer for the batch. Anonymous gates log that *a*
 * ballot was cast or changed, never by whom or which way.
 */
const writeBallots: BallotWriter = async (deps, batch) => {
  const { teamId, gateId } = batch[0]!.input;
  const latest = batch.reduce((t, b) => (b.now.getTime() > t.getTime() ? b.now : t), batch[0]!.now);
  const found: { overdue: VoteGate | null } = { overdue: null };
  const outcomes = await deps.db
    .transaction(async (tx): Promise<BallotOutcome[]> => {
      const gate = await lockGateForVote(tx, teamId, gateId);
      // A key twice in one batch (a retry racing its original): the first is the vote, the rest repeats.
      const keys = new Set<string>();
      const checked = batch.map((b): Checked => {
        const requestKey = b.requestKey && !keys.has(b.requestKey) ? b.requestKey : null;
        if (b.requestKey && !requestKey) return { kind: 'repeat', requestKey: null, write: null };
        if (requestKey) keys.add(requestKey);
        const refuse = (error: DomainError) => ({ kind: 'refused' as const, error, requestKey, write: { requestKey, voterKey: null, userId: null, vote: b.input.vote, reason: null, actorId: '', detail: {}, at: b.now } });
        if (!gate) return refuse(new DomainError('unknown_gate', 'This gate no longer exists.'));
        if (isOverdue(gate, b.now)) found.overdue = gate;
        try {
          const ok = assertVotable(gate, b.input.userId, b.input.vote, b.input.reason, b.now);
          const voterKey = voterKeyFor(gate, b.input.userId);
          const detail = gate.anonymous ? { gateId: gate.id } : { gateId: gate.id, vote: ok.vote, ...(ok.reason ? { reason: ok.reason } : {}) };
          return { kind: 'ballot', voterKey, requestKey, write: { requestKey, voterKey, userId: b.input.userId, vote: ok.vote, reason: ok.reason, actorId: gate.anonymous ? 'anonymous' : b.input.userId, detail, at: b.now } };
        } catch (err) {
          if (err instanceof DomainError) return refuse(err);
          throw err;
        }
      });
      const writes = checked.flatMap((c) => (c.write ? [c.write] : []));
      // A random ref: nothing in the timers table ties it to a voter of an anonymous gate.
      const followUp = `${gateId}:${randomUUID()}`;
      const { fresh, written } = await writeBallotBatch(tx, {
        teamId,
        gateId: gate?.id ?? gateId,
        projectId: gate?.projectId ?? 0,
        now: latest,
        ballots: writes,
        timer: { kind: GATE_AFTER_VOTE_TIMER, ref: followUp, dueAt: new Date(latest.getTime() + AFTER_VOTE_BACKSTOP_MS), payload: { gateId } },
        // The voter's Home stops listing the gate as awaiting their vote and shows their ballot. Not
        // for an anonymous gate: a row naming the voter, written by the ballot's own transaction,
        // would pair them with their vote (rows of one transaction share its id); `afterVote`
        // redraws every voter's Home instead, after the commit.
        home: gate?.anonymous ? undefined : { render: HOME_RENDER },
      });
      return checked.map((c): BallotOutcome => {
        if (c.kind === 'repeat' || (c.requestKey && !fresh.has(c.requestKey))) return { ok: true, value: null };
        if (c.kind === 'refused') return { ok: false, error: c.error };
        const result = written.get(c.voterKey) ?? 'unchanged';
        return { ok: true, value: { result, gate: gate!, followUp: result === 'unchanged' ? null : followUp } };
      });
    })
    .catch(async (err: unknown) => {
      // After the votes' transaction, which holds the gate row FOR SHARE that the close must update.
      if (found.overdue) await closeIfOverdue(deps, found.overdue, latest);
      throw err;
    });
  if (found.overdue) await closeIfOverdue(deps, found.overdue, latest);
  return outcomes;
};

/**
 * Work after a vote committed: refresh the message (coalesced), close when everyone has voted, or
 * announce quorum once. It runs after the commit on purpose: counting inside concurrent vote
 * transactions could miss each other's ballots, but the last vote to commit always sees them all.
 */
export async function afterVote(deps: Deps, gate: VoteGate, now: Date): Promise<void> {
  await queueMessageUpdate(deps, gate, now);
  // `gate` was read in the vote's transaction, so an anonymous gate's secret is still here to match keys to voters.
  const voted = await votersWhoVoted(deps.db, gate);
  const n = voted.length;
  if (shouldCloseEarly(gate.voters, voted)) {
    await closeGate(deps, { teamId: gate.teamId, gateId: gate.id, closedBy: 'all_voted' }, now);
  } else if (n >= gate.quorum && !gate.quorumReachedAt && gate.messageOutboxId && (await markQuorumReached(deps.db, gate.id, now))) {
    await enqueue(deps.db, {
      teamId: gate.teamId,
      method: 'chat.postMessage',
      channelId: gate.channelId,
      parentId: gate.messageOutboxId,
      payload: { ...quorumReachedReply(n, gate.quorum, gate.voters.length), reply_broadcast: true },
      dedupeKey: `gate:${gate.id}:quorum`,
      now,
    });
  }
  // An anonymous gate's ballots redraw no one's Home in their own transaction (see writeBallots): all
  // its voters' Homes are redrawn here, so no row singles out who voted (coalesced per person).
  if (gate.anonymous) await queueHomeRefresh(deps.db, gate.teamId, gate.voters, now);
  deps.kickOutbox();
}

interface FollowUps {
  /** The gate as the latest vote read it (an anonymous gate's secret included, to match keys to voters). */
  gate: VoteGate;
  now: Date;
  /** Backstop timers of the votes the next run covers. */
  refs: Set<string>;
  /** The run that will cover votes committed from now on (not started yet). */
  queued: Promise<void> | null;
  running: Promise<void> | null;
}

// Per app (its deps), per gate: tests and replicas run several apps in one process.
const followUpsOf = new WeakMap<Deps, Map<string, FollowUps>>();

/**
 * Runs a committed vote's follow-up, then marks its backstop timer done. A burst of votes on one
 * gate shares the work: while one run is going, the votes that commit meanwhile wait for a single
 * next run, which starts after all of them committed and so sees their ballots — one redraw request
 * and one close/quorum check for the lot instead of one per vote (each of which reads every ballot).
 * A run first waits (up to FOLLOW_UP_WAIT_MS) until the votes still coming in on the gate have been
 * written, so that it covers them too and does not compete with their acks.
 */
export function finishVote(deps: Deps, voted: VoteResult, now: Date): Promise<void> {
  // No follow-up: the ballot did not change, so there is nothing to redraw or decide.
  if (!voted.followUp) return Promise.resolve();
  let byGate = followUpsOf.get(deps);
  if (!byGate) followUpsOf.set(deps, (byGate = new Map()));
  const key = `${voted.gate.teamId}:${voted.gate.id}`;
  let s = byGate.get(key);
  if (!s) byGate.set(key, (s = { gate: voted.gate, now, refs: new Set(), queued: null, running: null }));
  s.refs.add(voted.followUp);
  s.gate = voted.gate;
  if (now.getTime() > s.now.getTime()) s.now = now;
  if (s.queued) return s.queued;
  const state = s;
  const gates = byGate;
  const run: Promise<void> = (state.running ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      // Votes that commit during this wait join this run.
      await ballotsSettled(deps, state.gate.teamId, state.gate.id, FOLLOW_UP_WAIT_MS);
      state.queued = null;
      state.running = run;
      const refs = [...state.refs];
      state.refs.clear();
      try {
        await afterVote(deps, state.gate, state.now);
        for (const ref of refs) await cancelTimers(deps.db, GATE_AFTER_VOTE_TIMER, ref, state.now);
      } finally {
        if (state.running === run) state.running = null;
        if (!state.running && !state.queued) gates.delete(key);
      }
    });
  state.queued = run;
  return run;
}

import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../db/repositories/audit.js';
import { addTimer, cancelTimers } from '../../db/repositories/schedules.js';
import { findGate, type GateRow, lockGateForVote, markQuorumReached, upsertBallot, type VoteGate } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import type { Deps } from '../../deps.js';
import { voterKeyFor } from '../../domain/gates/anonymity.js';
import { shouldCloseEarly, type Vote } from '../../domain/gates/rules.js';
import { checkBallot } from '../../domain/gates/vote-check.js';
import { DomainError } from '../../domain/errors.js';
import { quorumReachedReply } from '../../messages/gate.js';
import { closeGate } from './close-gate.js';
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

/**
 * One ballot, one transaction: the gate row is read FOR SHARE (so a concurrent close waits for this
 * vote, and a vote after the close sees it closed), the ballot is upserted under its (gate, voter)
 * key, and the audit entry is written with it. Anonymous gates log that *a* ballot was cast or
 * changed, never by whom or which way.
 */
export async function castVote(deps: Deps, input: VoteInput, now: Date): Promise<VoteResult> {
  let overdue: VoteGate | null = null;
  const out = await deps.db.transaction(async (tx) => {
    const gate = await lockGateForVote(tx, input.teamId, input.gateId);
    if (!gate) throw new DomainError('unknown_gate', 'This gate no longer exists.');
    if (isOverdue(gate, now)) overdue = gate;
    const ballot = assertVotable(gate, input.userId, input.vote, input.reason, now);
    const result = await upsertBallot(tx, { gateId: gate.id, voterKey: voterKeyFor(gate, input.userId), vote: ballot.vote, reason: ballot.reason });
    if (result !== 'unchanged') {
      await recordAudit(tx, {
        teamId: gate.teamId,
        projectId: gate.projectId,
        actorId: gate.anonymous ? 'anonymous' : input.userId,
        action: result === 'cast' ? 'gate.ballot_cast' : 'gate.ballot_changed',
        detail: gate.anonymous ? { gateId: gate.id } : { gateId: gate.id, vote: ballot.vote, ...(ballot.reason ? { reason: ballot.reason } : {}) },
        at: now,
      });
    }
    let followUp: string | null = null;
    if (result !== 'unchanged') {
      // A random ref: nothing in the timers table ties it to the voter of an anonymous gate.
      followUp = `${gate.id}:${randomUUID()}`;
      await addTimer(tx, { teamId: gate.teamId, kind: GATE_AFTER_VOTE_TIMER, ref: followUp, dueAt: new Date(now.getTime() + AFTER_VOTE_BACKSTOP_MS), payload: { gateId: gate.id } });
    }
    return { result, gate, followUp };
  }).catch(async (err: unknown) => {
    // After the vote's transaction, which holds the gate row FOR SHARE that the close must update.
    if (overdue) await closeIfOverdue(deps, overdue, now);
    throw err;
  });
  return out;
}

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
  deps.kickOutbox();
}

/** Runs a committed vote's follow-up now, then marks its backstop timer done. */
export async function finishVote(deps: Deps, voted: VoteResult, now: Date): Promise<void> {
  // No follow-up: the ballot did not change, so there is nothing to redraw or decide.
  if (!voted.followUp) return;
  await afterVote(deps, voted.gate, now);
  await cancelTimers(deps.db, GATE_AFTER_VOTE_TIMER, voted.followUp, now);
}

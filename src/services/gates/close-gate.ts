import { recordAudit } from '../../db/repositories/audit.js';
import { ballotsOf, claimGateClose, completeGate, findGate, type GateRow, movePhaseByGate } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { cancelTimers } from '../../db/repositories/schedules.js';
import type { Db } from '../../db/client.js';
import type { Deps } from '../../deps.js';
import { votedAmong } from '../../domain/gates/anonymity.js';
import { decideOutcome, tally } from '../../domain/gates/rules.js';
import { DomainError } from '../../domain/errors.js';
import { gateCancelledReply, gateResultMessage } from '../../messages/gate.js';
import { renderPayload } from './gate-message.js';
import { GATE_DEADLINE_TIMER, GATE_REMINDER_TIMER } from './open-gate.js';

export interface CloseInput {
  teamId: string;
  gateId: number;
  closedBy: 'deadline' | 'all_voted' | 'owner';
  /** The person closing early (closedBy 'owner'); must own the project. */
  actorId?: string;
}

async function assertOwner(deps: Deps, gate: GateRow, actorId: string | undefined, what: string): Promise<void> {
  const project = await findProjectById(deps.db, gate.teamId, gate.projectId);
  if (!project || !actorId || project.ownerId !== actorId) {
    throw new DomainError('not_owner', `Only the project owner${project ? ` (<@${project.ownerId}>)` : ''} can ${what} this gate.`);
  }
}

async function finishSideEffects(tx: Db, gate: GateRow, now: Date, reply: { text: string; blocks?: unknown[] }): Promise<void> {
  await cancelTimers(tx, GATE_DEADLINE_TIMER, String(gate.id), now);
  await cancelTimers(tx, GATE_REMINDER_TIMER, String(gate.id), now);
  if (!gate.messageOutboxId) return;
  // The final update renders at send time from the closed gate, so it shows the frozen tally.
  await enqueue(tx, { teamId: gate.teamId, method: 'chat.update', channelId: gate.channelId, targetId: gate.messageOutboxId, payload: renderPayload(gate), dedupeKey: `gate:${gate.id}:final`, now });
  await enqueue(tx, { teamId: gate.teamId, method: 'chat.postMessage', channelId: gate.channelId, parentId: gate.messageOutboxId, payload: reply, dedupeKey: `gate:${gate.id}:result`, now });
}

/**
 * Closes a gate exactly once, however many replicas, timers and last voters try at the same time:
 * the open → closed compare-and-set comes first, so only one caller goes on; the tally is read
 * after it (votes in flight have committed by then, later ones see the gate closed), and the
 * outcome, the phase change, the audit entries, the final message update and the result reply are
 * written in the same transaction. Returns null when the gate was not open.
 */
export async function closeGate(deps: Deps, input: CloseInput, now: Date): Promise<GateRow | null> {
  const before = await findGate(deps.db, input.teamId, input.gateId);
  if (!before) throw new DomainError('unknown_gate', 'This gate no longer exists.');
  if (before.status !== 'open') {
    if (input.closedBy === 'owner') throw new DomainError('gate_closed', `This gate is already ${before.status}.`);
    return null;
  }
  if (input.closedBy === 'owner') await assertOwner(deps, before, input.actorId, 'close');
  const project = await findProjectById(deps.db, before.teamId, before.projectId);
  const slug = project?.slug ?? `project ${before.projectId}`;
  const closed = await deps.db.transaction(async (tx) => {
    const claimed = await claimGateClose(tx, before.id, 'closed', input.closedBy, now);
    if (!claimed) return null;
    const ballots = await ballotsOf(tx, before.id);
    const keys = ballots.map((b) => b.voterKey);
    const t = tally(ballots.map((b) => ({ voter: b.voterKey, vote: b.vote })));
    const outcome = decideOutcome(t, before.quorum);
    // The secret is still in `before`: the last moment anyone can map keys to people, and only to say who took part.
    const voted = votedAmong(before, before.voters, keys);
    const phaseChanged = outcome === 'go' ? await movePhaseByGate(tx, { projectId: before.projectId, gateId: before.id, from: before.fromPhase, to: before.toPhase, actorId: before.openedBy, now }) : null;
    const gate = await completeGate(tx, before.id, { outcome, finalTally: t, participants: before.anonymous ? voted : null, phaseChanged });
    await recordAudit(tx, {
      teamId: gate.teamId,
      projectId: gate.projectId,
      actorId: input.closedBy === 'owner' ? input.actorId! : 'system',
      action: 'gate.closed',
      detail: { gateId: gate.id, outcome, tally: t, quorum: gate.quorum, closedBy: input.closedBy },
      at: now,
    });
    if (phaseChanged) {
      await recordAudit(tx, { teamId: gate.teamId, projectId: gate.projectId, actorId: gate.openedBy, action: 'project.phase_changed', detail: { from: gate.fromPhase, to: gate.toPhase, via: 'gate', gateId: gate.id }, at: now });
    }
    const reply = gateResultMessage({
      slug,
      fromPhase: gate.fromPhase,
      toPhase: gate.toPhase,
      outcome,
      tally: t,
      quorum: gate.quorum,
      anonymous: gate.anonymous,
      phaseChanged,
      ballots: gate.anonymous ? null : ballots.map((b) => ({ voter: b.voterKey, vote: b.vote, reason: b.reason })),
      reasons: ballots.filter((b) => b.vote === 'no_go' && b.reason).map((b) => b.reason!).sort(),
      voted,
      notVoted: gate.voters.filter((u) => !voted.includes(u)),
      closedBy: input.closedBy,
    });
    await finishSideEffects(tx, gate, now, reply);
    return gate;
  });
  deps.kickOutbox();
  return closed;
}

/** The owner calls the vote off: no outcome, no phase change; ballots stay for the record. */
export async function cancelGate(deps: Deps, input: { teamId: string; gateId: number; actorId: string }, now: Date): Promise<GateRow> {
  const before = await findGate(deps.db, input.teamId, input.gateId);
  if (!before) throw new DomainError('unknown_gate', 'This gate no longer exists.');
  if (before.status !== 'open') throw new DomainError('gate_closed', `This gate is already ${before.status}.`);
  await assertOwner(deps, before, input.actorId, 'cancel');
  const project = await findProjectById(deps.db, before.teamId, before.projectId);
  const cancelled = await deps.db.transaction(async (tx) => {
    const claimed = await claimGateClose(tx, before.id, 'cancelled', 'owner', now);
    if (!claimed) return null;
    const ballots = await ballotsOf(tx, before.id);
    const t = tally(ballots.map((b) => ({ voter: b.voterKey, vote: b.vote })));
    const participants = before.anonymous ? votedAmong(before, before.voters, ballots.map((b) => b.voterKey)) : null;
    const gate = await completeGate(tx, before.id, { outcome: null, finalTally: t, participants, phaseChanged: null });
    await recordAudit(tx, { teamId: gate.teamId, projectId: gate.projectId, actorId: input.actorId, action: 'gate.cancelled', detail: { gateId: gate.id }, at: now });
    await finishSideEffects(tx, gate, now, gateCancelledReply(project?.slug ?? '', input.actorId));
    return gate;
  });
  if (!cancelled) throw new DomainError('gate_closed', 'This gate closed a moment ago.');
  deps.kickOutbox();
  return cancelled;
}

import { recordAudit } from '../../db/repositories/audit.js';
import { ballotsOf, claimGateClose, completeGate, findGate, type GateRow } from '../../db/repositories/gates.js';
import { findProjectById, lockProject } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { votedAmong } from '../../domain/gates/anonymity.js';
import { decideOutcome, isSuperseded, tally } from '../../domain/gates/rules.js';
import { DomainError } from '../../domain/errors.js';
import { gateCancelledReply, gateResultMessage } from '../../messages/gate.js';
import { finishSideEffects, supersedeGate } from './finish-gate.js';
import { movePhase } from './move-phase.js';

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

/**
 * Closes a gate exactly once, however many replicas, timers and last voters try at the same time:
 * the open → closed compare-and-set comes first, so only one caller goes on; the tally is read
 * after it (votes in flight have committed by then, later ones see the gate closed), and the
 * outcome, the phase change (which supersedes the project's other open gates), the audit entries,
 * the final message update and the result reply are written in the same transaction. The project
 * row is locked first, so closes of a project's gates run one at a time and see its current phase.
 * A gate whose project is no longer in its starting phase never moves it: it closes as superseded.
 * Returns null when the gate was not open.
 */
export async function closeGate(deps: Deps, input: CloseInput, now: Date): Promise<GateRow | null> {
  const before = await findGate(deps.db, input.teamId, input.gateId);
  if (!before) throw new DomainError('unknown_gate', 'This gate no longer exists.');
  if (before.status !== 'open') {
    if (input.closedBy === 'owner') throw new DomainError('gate_closed', `This gate is already ${before.status}.`);
    return null;
  }
  if (input.closedBy === 'owner') await assertOwner(deps, before, input.actorId, 'close');
  const actorId = input.closedBy === 'owner' ? input.actorId! : 'system';
  const closed = await deps.db.transaction(async (tx) => {
    // Project before gate, as in every phase move (see lockProject): no deadlock between two closes.
    const project = await lockProject(tx, before.teamId, before.projectId, 'move');
    if (!project) return null; // deleted, and its gates with it
    const slug = project.slug;
    if (isSuperseded(before, project.phase)) {
      // Defense in depth: every move supersedes the open gates, so this is a gate left open by an
      // earlier version, or a phase changed behind the app's back. Its GO must not apply.
      return supersedeGate(tx, before, { slug, cause: { kind: 'elsewhere', phase: project.phase }, actorId, now });
    }
    const claimed = await claimGateClose(tx, before.id, 'closed', input.closedBy, now);
    if (!claimed) return null;
    const ballots = await ballotsOf(tx, before.id);
    const keys = ballots.map((b) => b.voterKey);
    const t = tally(ballots.map((b) => ({ voter: b.voterKey, vote: b.vote })));
    const outcome = decideOutcome(t, before.quorum);
    // The secret is still in `before`: the last moment anyone can map keys to people, and only to say who took part.
    const voted = votedAmong(before, before.voters, keys);
    const phaseChanged =
      outcome === 'go' ? await movePhase(tx, { project: { teamId: project.teamId, id: project.id, slug }, from: before.fromPhase, to: before.toPhase, via: 'gate', gateId: before.id, actorId: before.openedBy, now }) : null;
    const gate = await completeGate(tx, before.id, { outcome, finalTally: t, participants: before.anonymous ? voted : null, phaseChanged });
    await recordAudit(tx, {
      teamId: gate.teamId,
      projectId: gate.projectId,
      actorId,
      action: 'gate.closed',
      detail: { gateId: gate.id, outcome, tally: t, quorum: gate.quorum, closedBy: input.closedBy },
      at: now,
    });
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
  // The owner clicked Close now and someone else (last voter, deadline, a phase move) closed it
  // first: say so, as cancelGate does, rather than leave the click unanswered.
  if (!closed && input.closedBy === 'owner') throw new DomainError('gate_closed', 'This gate closed a moment ago.');
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

import { recordAudit } from '../../db/repositories/audit.js';
import { ballotsOf, claimGateClose, completeGate, type GateRow } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { cancelTimers } from '../../db/repositories/schedules.js';
import type { Db } from '../../db/client.js';
import { votedAmong } from '../../domain/gates/anonymity.js';
import { tally } from '../../domain/gates/rules.js';
import { gateSupersededReply, type SupersededCause } from '../../messages/gate.js';
import { renderPayload } from './gate-message.js';
import { GATE_DEADLINE_TIMER, GATE_REMINDER_TIMER } from './open-gate.js';
import { queueHomeRefresh } from '../projects/home-refresh.js';
import { reportGateOutcomeToMlflowThread } from '../integrations/mlflow-gate-outcome.js';

/**
 * What every way of ending a gate does, in the ending transaction: its timers stop, its message is
 * redrawn (the buttons go) and a reply in its thread says how it ended; its voters' Home no longer
 * lists it; a gate an MLflow alias opened reports its outcome in the model version's thread. All go through the outbox.
 */
export async function finishSideEffects(tx: Db, gate: GateRow, now: Date, reply: { text: string; blocks?: unknown[] }): Promise<void> {
  await cancelTimers(tx, GATE_DEADLINE_TIMER, String(gate.id), now);
  await cancelTimers(tx, GATE_REMINDER_TIMER, String(gate.id), now);
  await queueHomeRefresh(tx, gate.teamId, gate.voters, now);
  await reportGateOutcomeToMlflowThread(tx, gate, now);
  if (!gate.messageOutboxId) return;
  // The final update renders at send time from the closed gate, so it shows the frozen tally.
  await enqueue(tx, { teamId: gate.teamId, method: 'chat.update', channelId: gate.channelId, targetId: gate.messageOutboxId, payload: renderPayload(gate), dedupeKey: `gate:${gate.id}:final`, now });
  await enqueue(tx, { teamId: gate.teamId, method: 'chat.postMessage', channelId: gate.channelId, parentId: gate.messageOutboxId, payload: reply, dedupeKey: `gate:${gate.id}:result`, now });
}

export interface Supersede {
  slug: string;
  cause: SupersededCause;
  /** Who is accountable for what superseded it (the mover), or 'system'. */
  actorId: string;
  /** The gate whose GO moved the project, when a gate did. */
  byGateId?: number;
  now: Date;
}

/**
 * Closes an open gate without a decision because the project left the phase it asked about
 * (domain/gates/rules.ts isSuperseded). The same open → closed compare-and-set as any close, so it
 * happens at most once and not after another close; its ballots are frozen into the final tally
 * (an anonymous gate's participants kept and its secret wiped, as at any close) but decide nothing.
 * Returns null when the gate was no longer open. Runs inside the caller's transaction, which holds
 * the project row.
 */
export async function supersedeGate(tx: Db, gate: GateRow, s: Supersede): Promise<GateRow | null> {
  // The claim waits for votes in flight on this gate (they hold its row FOR SHARE), so the frozen tally has them all.
  const claimed = await claimGateClose(tx, gate.id, 'closed', 'superseded', s.now);
  if (!claimed) return null;
  const ballots = await ballotsOf(tx, gate.id);
  const t = tally(ballots.map((b) => ({ voter: b.voterKey, vote: b.vote })));
  const participants = claimed.anonymous ? votedAmong(claimed, claimed.voters, ballots.map((b) => b.voterKey)) : null;
  const closed = await completeGate(tx, gate.id, { outcome: 'superseded', finalTally: t, participants, phaseChanged: null });
  const move = s.cause.kind === 'moved' ? { from: s.cause.from, to: s.cause.to } : { projectPhase: s.cause.phase };
  await recordAudit(tx, {
    teamId: closed.teamId,
    projectId: closed.projectId,
    actorId: s.actorId,
    action: 'gate.superseded',
    detail: { gateId: closed.id, asked: { from: closed.fromPhase, to: closed.toPhase }, ...move, ...(s.byGateId !== undefined ? { byGateId: s.byGateId } : {}), tally: t },
    at: s.now,
  });
  await finishSideEffects(tx, closed, s.now, gateSupersededReply({ slug: s.slug, fromPhase: closed.fromPhase, toPhase: closed.toPhase, cause: s.cause }));
  return closed;
}

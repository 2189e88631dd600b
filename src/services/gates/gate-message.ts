import type { Db } from '../../db/client.js';
import { ballotsOf, clearMessageDirty, findGate, type GateRow, queueGateMessageUpdate } from '../../db/repositories/gates.js';
import { findProjectById } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { votedAmong } from '../../domain/gates/anonymity.js';
import { type Tally, tally } from '../../domain/gates/rules.js';
import type { OutboxRenderer } from '../../jobs/outbox-worker.js';
import type { Block } from '../../messages/blocks.js';
import { gateMessage, type GateView } from '../../messages/gate.js';

/** Slack allows about 50 chat.update calls a minute; one per gate every 1.5 s stays under it. */
export const MESSAGE_UPDATE_INTERVAL_MS = 1500;
export const GATE_RENDER_KIND = 'gate';

export const renderPayload = (gate: Pick<GateRow, 'id'>) => ({ render: { kind: GATE_RENDER_KIND, gateId: gate.id }, text: 'Go/no-go vote' });

/** The tally is always computed from the ballots; a closed gate's is frozen in finalTally. */
export async function gateView(db: Db, gate: GateRow, slug: string): Promise<GateView> {
  const ballots = await ballotsOf(db, gate.id);
  let t: Tally;
  let voted: string[] | null;
  if (gate.status !== 'open' && gate.finalTally) t = gate.finalTally;
  else t = tally(ballots.map((b) => ({ voter: b.voterKey, vote: b.vote })));
  if (!gate.anonymous) voted = ballots.map((b) => b.voterKey).filter((k) => gate.voters.includes(k)).sort();
  else voted = gate.status === 'open' ? null : (gate.participants ?? []);
  return {
    gateId: gate.id,
    slug,
    fromPhase: gate.fromPhase,
    toPhase: gate.toPhase,
    question: gate.question,
    reason: gate.reason,
    openedBy: gate.openedBy,
    voters: gate.voters,
    quorum: gate.quorum,
    deadline: gate.deadline,
    anonymous: gate.anonymous,
    status: gate.status,
    outcome: gate.outcome,
    tally: t,
    voted,
    evidence: gate.evidence as Block[],
    openedAt: gate.openedAt,
    closedAt: gate.closedAt,
    phaseChanged: gate.phaseChanged,
  };
}

/**
 * Renders the gate message when its outbox row goes out. The dirty flag is cleared *before* the
 * ballots are read: a vote committed after the read finds the flag clear and queues another update,
 * and one committed before it is in this render. So the last update sent shows the true tally.
 */
export const gateMessageRenderer: OutboxRenderer = async (deps, row, now) => {
  const gateId = Number((row.payload as { render?: { gateId?: unknown } }).render?.gateId);
  if (!Number.isInteger(gateId)) throw new Error(`outbox ${row.id}: gate render without a gate id`);
  await clearMessageDirty(deps.db, gateId, now);
  const gate = await findGate(deps.db, row.teamId, gateId);
  if (!gate) return null;
  const project = await findProjectById(deps.db, row.teamId, gate.projectId);
  if (!project) return null;
  return gateMessage(await gateView(deps.db, gate, project.slug));
};

/**
 * Coalesces message updates: at most one queued update per gate (whoever flips the dirty flag queues
 * it), sent no sooner than MESSAGE_UPDATE_INTERVAL_MS after the previous render.
 */
export async function queueMessageUpdate(deps: Deps, gate: Pick<GateRow, 'id'>, now: Date): Promise<void> {
  await queueGateMessageUpdate(deps.db, gate.id, renderPayload(gate), now, MESSAGE_UPDATE_INTERVAL_MS);
}

/** Who has voted on an open gate (reminders, early close): anonymous keys are matched through the secret. */
export async function votersWhoVoted(db: Db, gate: GateRow): Promise<string[]> {
  const ballots = await ballotsOf(db, gate.id);
  return votedAmong(gate, gate.voters, ballots.map((b) => b.voterKey));
}

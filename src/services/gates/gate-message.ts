import type { Db } from '../../db/client.js';
import { ballotsOf, findGate, type GateRow, type VoteGate } from '../../db/repositories/gates.js';
import { findProjectById } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { votedAmong } from '../../domain/gates/anonymity.js';
import { type Tally, tally } from '../../domain/gates/rules.js';
import type { OutboxRenderer } from '../job-handlers.js';
import type { Block } from '../../messages/blocks.js';
import { gateMessage, type GateView } from '../../messages/gate.js';
import { queueMessageRefresh } from '../message-refresh.js';
import { evidenceLinks } from './evidence-links.js';

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
    hideResults: gate.hideResults,
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
 * Renders the gate message when its outbox row goes out. The row is claimed (no longer pending)
 * before the ballots are read: a vote committed after the read finds no pending update and queues
 * another, and one committed before it is in this render. So the last update sent shows the true tally.
 */
export const gateMessageRenderer: OutboxRenderer = async (deps, row) => {
  const gateId = Number((row.payload as { render?: { gateId?: unknown } }).render?.gateId);
  if (!Number.isInteger(gateId)) throw new Error(`outbox ${row.id}: gate render without a gate id`);
  const gate = await findGate(deps.db, row.teamId, gateId);
  if (!gate) return null;
  const project = await findProjectById(deps.db, row.teamId, gate.projectId);
  if (!project) return null;
  return gateMessage({ ...(await gateView(deps.db, gate, project.slug)), links: await evidenceLinks(deps, gate, project) });
};

/** Redraws an open gate's message after a vote (coalesced; see services/message-refresh.ts). */
export async function queueMessageUpdate(deps: Deps, gate: Pick<VoteGate, 'id' | 'teamId' | 'channelId' | 'messageOutboxId'>, now: Date): Promise<void> {
  if (gate.messageOutboxId === null) return;
  await queueMessageRefresh(deps, { teamId: gate.teamId, channelId: gate.channelId, messageOutboxId: gate.messageOutboxId, render: renderPayload(gate), now });
}

/** Who has voted on an open gate (reminders, early close): anonymous keys are matched through the secret. */
export async function votersWhoVoted(db: Db, gate: Pick<VoteGate, 'id' | 'anonymous' | 'anonSecret' | 'voters'>): Promise<string[]> {
  const ballots = await ballotsOf(db, gate.id);
  return votedAmong(gate, gate.voters, ballots.map((b) => b.voterKey));
}

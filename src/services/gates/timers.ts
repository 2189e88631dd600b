import { findGate } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import type { TimerHandler } from '../job-handlers.js';
import { reminderMessage } from '../../messages/gate.js';
import { permalinksFor } from '../permalinks.js';
import { afterVote, GATE_AFTER_VOTE_TIMER } from './cast-vote.js';
import { closeGate } from './close-gate.js';
import { votersWhoVoted } from './gate-message.js';
import { GATE_DEADLINE_TIMER, GATE_REMINDER_TIMER } from './open-gate.js';

/** The deadline: close with whatever was cast (closeGate is a no-op on a gate already closed). */
export const gateDeadline: TimerHandler = async (deps, { timer, now }) => {
  await closeGate(deps, { teamId: timer.teamId, gateId: Number(timer.ref), closedBy: 'deadline' }, now);
};

/**
 * 24 h and 1 h before the deadline: a DM to each eligible voter who has not voted, and to nobody
 * else, with the vote buttons and a link to the gate message.
 */
export const gateReminder: TimerHandler = async (deps, { timer, now }) => {
  const gate = await findGate(deps.db, timer.teamId, Number(timer.ref));
  if (!gate || gate.status !== 'open') return;
  const project = await findProjectById(deps.db, gate.teamId, gate.projectId);
  const voted = new Set(await votersWhoVoted(deps.db, gate));
  const pending = gate.voters.filter((u) => !voted.has(u));
  if (pending.length === 0) return;
  const client = await deps.slack.forTeam(gate.teamId);
  // The link is asked of Slack once and kept on the gate message's outbox row (the App Home uses it too).
  const links = gate.messageOutboxId !== null ? await permalinksFor(deps, gate.teamId, [gate.messageOutboxId]) : new Map<number, string>();
  const permalink = gate.messageOutboxId !== null ? (links.get(gate.messageOutboxId) ?? null) : null;
  const msg = reminderMessage({
    gateId: gate.id,
    slug: project?.slug ?? '',
    fromPhase: gate.fromPhase,
    toPhase: gate.toPhase,
    question: gate.question,
    deadline: gate.deadline,
    channelId: gate.channelId,
    permalink,
  });
  for (const user of pending) {
    // Opening the DM is not a message; the message itself goes through the outbox. The dedupe key
    // makes a retried timer (after a crash mid-loop) skip the people already reminded.
    const im = await client.conversations.open({ users: user });
    const channel = im.channel?.id;
    if (!channel) continue;
    await enqueue(deps.db, { teamId: gate.teamId, method: 'chat.postMessage', channelId: channel, payload: msg, dedupeKey: `gate:${gate.id}:remind:${timer.dueAt.getTime()}:${user}`, now });
  }
  deps.kickOutbox();
};

/** A vote's follow-up whose listener did not get to run it (its process died after the ack). */
export const gateAfterVote: TimerHandler = async (deps, { timer, now }) => {
  const gate = await findGate(deps.db, timer.teamId, Number((timer.payload as { gateId?: unknown }).gateId));
  if (gate) await afterVote(deps, gate, now);
};

export const GATE_TIMERS = { [GATE_DEADLINE_TIMER]: gateDeadline, [GATE_REMINDER_TIMER]: gateReminder, [GATE_AFTER_VOTE_TIMER]: gateAfterVote };

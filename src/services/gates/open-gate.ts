import { z } from 'zod';
import { insertGate, findOpenGate, setGateMessage, type GateRow } from '../../db/repositories/gates.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { lockProject, type ProjectRow } from '../../db/repositories/projects.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { addTimer } from '../../db/repositories/schedules.js';
import type { Deps } from '../../deps.js';
import { newGateSecret } from '../../domain/gates/anonymity.js';
import { checkMayOpenGate, gateVoters } from '../../domain/gates/open-rights.js';
import { reminderTimes, validateGateOptions } from '../../domain/gates/rules.js';
import { DomainError } from '../../domain/errors.js';
import { stakeholdersOf } from '../../domain/access.js';
import { assertTransition, nextPhase, type Phase, PHASES } from '../../domain/lifecycle.js';
import { SlackUserId } from '../../domain/intake/brief.js';
import { renderSections } from '../projects/sections.js';
import { renderPayload } from './gate-message.js';
import { queueHomeRefresh } from '../projects/home-refresh.js';

export const DEFAULT_DEADLINE_MS = 48 * 3_600_000;
export const MAX_QUESTION_CHARS = 500;
export const GATE_DEADLINE_TIMER = 'gate.deadline';
export const GATE_REMINDER_TIMER = 'gate.reminder';

export const OpenGateInput = z.object({
  openedBy: z.string().min(1),
  toPhase: z.enum(PHASES).optional(),
  voters: z.array(SlackUserId).optional(),
  quorum: z.number().int().optional(),
  deadline: z.date().optional(),
  anonymous: z.boolean().default(false),
  /** Hide the Go / No-go / Abstain counts until close; unset: hidden for anonymous gates, shown for named ones. */
  hideResults: z.boolean().optional(),
  question: z.string().trim().max(MAX_QUESTION_CHARS, `The question is longer than ${MAX_QUESTION_CHARS} characters.`).optional(),
  reason: z.string().trim().max(1000).optional(),
});
export type OpenGateInput = z.input<typeof OpenGateInput>;

export function defaultQuestion(slug: string, from: Phase, to: Phase): string {
  if (to === 'retired') return `Should ${slug} continue, or stop and be retired?`;
  return `Is ${slug} ready to move from ${from} to ${to}?`;
}

/**
 * Opens a gate: checks who asks (the owner, or a stakeholder with the default voters and quorum),
 * the transition, voters, quorum and deadline, snapshots the evidence, and in one transaction
 * writes the gate, queues its message, and sets the deadline and reminder timers. Nothing is
 * written when a check fails.
 */
export async function openGate(deps: Deps, project: ProjectRow, raw: OpenGateInput, now: Date): Promise<GateRow> {
  const input = OpenGateInput.parse(raw);
  // Every path that opens a gate (command, buttons, escalation) comes through here, so this is the one check.
  checkMayOpenGate({ actor: input.openedBy, ownerId: project.ownerId, stakeholders: stakeholdersOf(project.brief), voters: input.voters, quorum: input.quorum });
  const from = project.phase;
  const to = input.toPhase ?? nextPhase(from);
  if (!to) throw new DomainError('unreachable_phase', 'This project is retired; it cannot move to another phase.');
  assertTransition(from, to);
  const voters = gateVoters({ toPhase: to, ownerId: project.ownerId, stakeholders: stakeholdersOf(project.brief), voters: input.voters });
  if (voters.length === 0) {
    throw new DomainError('no_voters', `The design brief of ${project.slug} names no stakeholders, so there is no default voter list: name the voters with --voters @a @b.`);
  }
  const deadline = input.deadline ?? new Date(now.getTime() + DEFAULT_DEADLINE_MS);
  const { quorum } = validateGateOptions({ voters, quorum: input.quorum, deadline, now });
  if (await findOpenGate(deps.db, project.id, from, to)) {
    throw new DomainError('gate_exists', `${project.slug} already has an open gate for ${from} → ${to}; vote there, or let its owner close or cancel it first.`);
  }
  const evidence = await renderSections(deps, project, 'gate', now);
  const gate = await deps.db.transaction(async (tx) => {
    // FOR SHARE until commit: a phase move (which locks the project against it) either committed
    // before this, and the gate would ask about a phase the project has left, or waits for this
    // gate to commit and then supersedes it. Never a gate open on a phase the project is not in.
    const current = await lockProject(tx, project.teamId, project.id, 'open');
    if (!current || current.phase !== from) {
      throw new DomainError('phase_changed', `${project.slug} moved to ${current?.phase ?? 'another phase'} a moment ago; open the gate again if the question still stands.`);
    }
    const row = await insertGate(tx, {
      teamId: project.teamId,
      projectId: project.id,
      channelId: project.channelId,
      fromPhase: from,
      toPhase: to,
      question: input.question || defaultQuestion(project.slug, from, to),
      reason: input.reason || null,
      openedBy: input.openedBy,
      voters,
      quorum,
      deadline,
      anonymous: input.anonymous,
      hideResults: input.hideResults ?? input.anonymous,
      anonSecret: input.anonymous ? newGateSecret() : null,
      evidence,
      openedAt: now,
    });
    if (!row) throw new DomainError('gate_exists', `${project.slug} already has an open gate for ${from} → ${to}.`);
    const msg = await enqueue(tx, { teamId: row.teamId, method: 'chat.postMessage', channelId: row.channelId, payload: renderPayload(row), dedupeKey: `gate:${row.id}:message`, now });
    await setGateMessage(tx, row.id, msg.id);
    await addTimer(tx, { teamId: row.teamId, kind: GATE_DEADLINE_TIMER, ref: String(row.id), dueAt: deadline });
    for (const at of reminderTimes(now, deadline)) {
      await addTimer(tx, { teamId: row.teamId, kind: GATE_REMINDER_TIMER, ref: String(row.id), dueAt: at });
    }
    await recordAudit(tx, {
      teamId: row.teamId,
      projectId: project.id,
      actorId: input.openedBy,
      action: 'gate.opened',
      detail: { gateId: row.id, from, to, voters, quorum, deadline: deadline.toISOString(), anonymous: input.anonymous, hideResults: row.hideResults, ...(input.reason ? { reason: input.reason } : {}) },
      at: now,
    });
    await queueHomeRefresh(tx, row.teamId, voters, now);
    return { ...row, messageOutboxId: msg.id };
  });
  deps.kickOutbox();
  return gate;
}

import { z } from 'zod';
import { SlackUserId } from './intake/brief.js';

/**
 * Who may act on a project: the rules of PRODUCT §2 "Who may do what", written once. Edges and
 * verbs ask these functions; nothing else decides access. Inputs are plain data (no rows, no
 * Slack payloads), so every rule is a table-testable function.
 */

/** The parts of a project that access depends on. */
export interface ProjectAccess {
  ownerId: string;
  channelId: string;
  /** The design brief as stored (any shape: an unfinished brief may lack stakeholders). */
  brief: unknown;
}

const WithStakeholders = z.object({ stakeholders: z.array(SlackUserId).nullish() });

/** The brief's stakeholders; none when the brief is missing, unfinished or malformed. */
export function stakeholdersOf(brief: unknown): string[] {
  const parsed = WithStakeholders.safeParse(brief ?? {});
  return parsed.success ? (parsed.data.stakeholders ?? []) : [];
}

export function isOwnerOrStakeholder(userId: string, project: ProjectAccess): boolean {
  return userId === project.ownerId || stakeholdersOf(project.brief).includes(userId);
}

/** Who may edit a brief: the owner, whoever took part in the intake, and the brief's stakeholders. */
export function mayEditBrief(userId: string, project: ProjectAccess, intakeParticipants: readonly string[]): boolean {
  return isOwnerOrStakeholder(userId, project) || intakeParticipants.includes(userId);
}

/**
 * A token reads and writes every run of a project, so it is handed out where the project is
 * visible: in its own channel (membership is Slack's access control, private channels included),
 * or to its owner and stakeholders anywhere.
 */
export function mayUseTokens(actor: { userId: string; channelId: string }, project: ProjectAccess): boolean {
  return actor.channelId === project.channelId || isOwnerOrStakeholder(actor.userId, project);
}

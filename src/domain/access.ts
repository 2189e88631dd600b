import { z } from 'zod';
import { DomainError } from './errors.js';
import { SlackUserId } from './intake/brief.js';

/**
 * Who may act on a project: the table of PRODUCT §2 "Who may do what", written once. Every
 * command, click and API call asks `assertMay` (through the verbs); nothing else decides access.
 * Inputs are plain data, so the whole table is a unit-testable function.
 *
 * | action             | who                                                                 |
 * | read               | members of its channel; owner and stakeholders anywhere             |
 * | log_run            | the same (API callers hold a project token instead)                 |
 * | edit_brief         | owner, intake participants, stakeholders (not the stakeholder list) |
 * | manage             | owner: stakeholder list, voters, schedules, alert settings, tokens  |
 * | open_gate          | owner or stakeholder (only the owner picks voters or quorum)        |
 * | answer_checkin     | stakeholders and the owner                                          |
 * | checkin_now        | stakeholders and the owner (rate-limited per project)               |
 * | handle_alert       | members of the alert's channel: acknowledge, snooze, resolve        |
 *
 * "Members of its channel" is read from where the request was made: Slack only lets members type
 * in a channel or click its messages, private channels included, so a request made in the
 * project's channel comes from a member. Elsewhere, only the owner and stakeholders are known.
 * A drift alert lives in its own channel (the project's alert channel, by default its home): a
 * click on the alert's own message, or a command typed in that channel, comes from a member of it.
 * A copy of the buttons anywhere else (another channel, a forwarded message) is not.
 */

export const PROJECT_ACTIONS = ['read', 'log_run', 'edit_brief', 'manage', 'open_gate', 'answer_checkin', 'checkin_now', 'handle_alert'] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/** The parts of a project that access depends on. */
export interface ProjectAccess {
  slug: string;
  ownerId: string;
  channelId: string;
  /** The design brief as stored (any shape: an unfinished brief may lack stakeholders). */
  brief: unknown;
  /** For `handle_alert`: where the alert was posted (its channel, and its message once Slack has it). */
  alert?: AlertPlace;
}

export interface AlertPlace {
  channelId: string;
  messageTs: string | null;
}

/** Who is asking, and from where. */
export interface Actor {
  userId: string;
  /** The channel the command was typed in or the clicked message is in; absent outside Slack. */
  channelId?: string;
  /** The people in the project's intake conversation (they may edit the brief). */
  intakeParticipants?: readonly string[];
  /** For a click: the message whose button it was (its ts). Absent for a command. */
  messageTs?: string;
}

const WithStakeholders = z.object({ stakeholders: z.array(SlackUserId).nullish() });

/** The brief's stakeholders; none when the brief is missing, unfinished or malformed. */
export function stakeholdersOf(brief: unknown): string[] {
  const parsed = WithStakeholders.safeParse(brief ?? {});
  return parsed.success ? (parsed.data.stakeholders ?? []) : [];
}

/** The project's people (owner first, then the stakeholders, without repeats): whose App Home lists it. */
export function ownerAndStakeholders(project: Pick<ProjectAccess, 'ownerId' | 'brief'>): string[] {
  return [...new Set([project.ownerId, ...stakeholdersOf(project.brief)])];
}

export function isOwnerOrStakeholder(userId: string, project: Pick<ProjectAccess, 'ownerId' | 'brief'>): boolean {
  return userId === project.ownerId || stakeholdersOf(project.brief).includes(userId);
}

const inProjectChannel = (actor: Actor, project: ProjectAccess) => actor.channelId !== undefined && actor.channelId === project.channelId;

/** In the alert's channel, and — for a click — on the alert's own message. */
function atTheAlert(actor: Actor, alert: AlertPlace | undefined): boolean {
  if (!alert || actor.channelId === undefined || actor.channelId !== alert.channelId) return false;
  if (actor.messageTs === undefined) return true;
  return alert.messageTs !== null && actor.messageTs === alert.messageTs;
}

export function may(action: ProjectAction, actor: Actor, project: ProjectAccess): boolean {
  const ownerOrStakeholder = isOwnerOrStakeholder(actor.userId, project);
  switch (action) {
    case 'read':
    case 'log_run':
      return ownerOrStakeholder || inProjectChannel(actor, project);
    case 'edit_brief':
      return ownerOrStakeholder || (actor.intakeParticipants ?? []).includes(actor.userId);
    case 'manage':
      return actor.userId === project.ownerId;
    case 'open_gate':
    case 'answer_checkin':
    case 'checkin_now':
      return ownerOrStakeholder;
    case 'handle_alert':
      return atTheAlert(actor, project.alert);
  }
}

/** The sentence a refusal shows: who may do it instead. */
export function whoMay(action: ProjectAction, project: ProjectAccess): string {
  const owner = `<@${project.ownerId}>`;
  const slug = `*${project.slug}*`;
  switch (action) {
    case 'read':
      return `${slug} can be seen in its channel <#${project.channelId}>, or by its owner (${owner}) and the stakeholders named in its design brief.`;
    case 'log_run':
      return `Runs of ${slug} are logged in its channel <#${project.channelId}>, by its owner (${owner}) or stakeholders, or through the API with a project token.`;
    case 'edit_brief':
      return `Only the project owner ${owner}, the people in its intake and its stakeholders can edit this brief.`;
    case 'manage':
      return `Only the owner of ${slug} (${owner}) changes its stakeholders, voters, schedules, alert settings and API tokens.`;
    case 'open_gate':
      return `Only the project owner (${owner}) or a stakeholder named in its design brief can open a gate on this project.`;
    case 'answer_checkin':
    case 'checkin_now':
      return `Only the stakeholders of ${slug} and its owner (${owner}) take part in its viability check-ins.`;
    case 'handle_alert':
      return project.alert
        ? `Drift alerts of ${slug} are acknowledged, snoozed and resolved by the members of <#${project.alert.channelId}>, with the buttons on the alert itself (or \`/mlops drift ${project.slug} ack|snooze|resolve\` typed there).`
        : `This drift alert of ${slug} no longer exists.`;
  }
}

/** Throws the refusal (`not_allowed`, shown as an ephemeral that says who may) unless the actor may. */
export function assertMay(action: ProjectAction, actor: Actor, project: ProjectAccess): void {
  if (!may(action, actor, project)) throw new DomainError('not_allowed', whoMay(action, project));
}

/** Who may edit a brief: the owner, whoever took part in the intake, and the brief's stakeholders. */
export function mayEditBrief(userId: string, project: ProjectAccess, intakeParticipants: readonly string[]): boolean {
  return may('edit_brief', { userId, intakeParticipants }, project);
}

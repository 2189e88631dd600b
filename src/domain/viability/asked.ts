import { stakeholdersOf } from '../access.js';
import { DomainError } from '../errors.js';

/** How a check-in reaches the people it asks: a mention in the channel, or that and a DM each. */
export const CHECKIN_ASK_MODES = ['channel', 'dm'] as const;
export type CheckinAskMode = (typeof CHECKIN_ASK_MODES)[number];
export const DEFAULT_ASK_MODE: CheckinAskMode = 'channel';

export function parseAskMode(text: string): CheckinAskMode {
  const mode = text.trim().toLowerCase();
  if ((CHECKIN_ASK_MODES as readonly string[]).includes(mode)) return mode as CheckinAskMode;
  throw new DomainError('invalid_ask', `"${text}" is not a way to ask: use --ask channel (mention the stakeholders in the channel) or --ask dm (also a direct message to each).`);
}

/** The ask mode stored with a schedule (schedules.options.ask); anything else reads as the default. */
export function storedAskMode(options: unknown): CheckinAskMode {
  const ask = (options as { ask?: unknown } | null)?.ask;
  return ask === 'dm' ? 'dm' : DEFAULT_ASK_MODE;
}

/**
 * Whom a check-in asks: the brief's stakeholders (the same rule as a gate's default voters), or the
 * owner when the brief names none — somebody must be asked. The owner may always answer too (see
 * `answer_checkin` in access.ts) but is not nagged when there are stakeholders.
 */
export function checkinAskees(project: { ownerId: string; brief: unknown }): string[] {
  const stakeholders = stakeholdersOf(project.brief);
  return stakeholders.length ? [...new Set(stakeholders)] : [project.ownerId];
}

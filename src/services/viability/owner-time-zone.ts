import type { Deps } from '../../deps.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { parseTimezone } from '../../domain/schedule/spec.js';

const LOOKUP_TIMEOUT_MS = 1500;

/** A schedule's default zone: the owner's Slack zone, or UTC when Slack would not say (`fromSlack` false). */
export interface OwnerTimeZone {
  tz: string;
  fromSlack: boolean;
}

/**
 * The project owner's time zone as Slack has it (`users.info`, scope users:read): the default for a
 * schedule set without `--tz`, whoever sets it, so "daily 09:00" means nine in the morning where the
 * owner works. Any failure — Slack down, an unknown user, a zone the app does not accept — falls
 * back to UTC, and `fromSlack: false` lets the caller say so.
 */
export async function ownerTimeZone(deps: Pick<Deps, 'slack' | 'log'>, project: Pick<ProjectRow, 'teamId' | 'ownerId'>): Promise<OwnerTimeZone> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await deps.slack.forTeam(project.teamId);
    // The command that asks is answered within Slack's 3 s: a slow Slack means UTC, not a timeout.
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`users.info took over ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS)));
    const res = await Promise.race([client.users.info({ user: project.ownerId }), late]);
    const tz = res.user?.tz;
    if (tz) return { tz: parseTimezone(tz), fromSlack: true };
  } catch (err) {
    deps.log.warn(`could not read the Slack time zone of ${project.ownerId}; a schedule defaults to UTC`, err);
  } finally {
    clearTimeout(timer);
  }
  return { tz: 'UTC', fromSlack: false };
}

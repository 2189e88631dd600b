import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Deps } from '../../deps.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findCheckin, findResponse } from '../../db/repositories/viability.js';
import { checkinDmMessage } from '../../messages/viability.js';
import type { OutboxRenderer } from '../job-handlers.js';
import { permalinksFor } from '../permalinks.js';

export const VIABILITY_DM_RENDER_KIND = 'viability.dm';

const Render = z.object({ checkinId: z.number().int().positive(), userId: z.string().min(1), reminder: z.boolean() });

/**
 * Opens (or finds) the direct message with each person, as the gate reminders do. Opening a DM is
 * not a message, so it is asked of Slack directly; someone Slack will not open one with (a
 * deactivated account) is left out and logged, and still sees the mention in the channel.
 */
export async function openDmChannels(deps: Deps, teamId: string, users: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (users.length === 0) return out;
  const client = await deps.slack.forTeam(teamId);
  // In parallel: `viability now` waits for these before its reply, inside Slack's 3 s.
  const opened = await Promise.all(
    users.map(async (user) => {
      try {
        const im = await client.conversations.open({ users: user });
        return [user, im.channel?.id] as const;
      } catch (err) {
        deps.log.warn(`could not open a DM with ${user} for a viability check-in; they are only mentioned in the channel`, err);
        return [user, undefined] as const;
      }
    }),
  );
  // In the order asked, so the DMs are queued (and sent) in that order.
  for (const [user, channel] of opened) if (channel) out.set(user, channel);
  return out;
}

/**
 * Queues the check-in's DM to one person, rendered when it is sent (so it links the channel
 * message, posted by then, and is dropped if the person answered or the check-in closed first).
 * The dedupe key makes it once per person and kind, whichever replica or retry queues it.
 */
export async function queueCheckinDm(tx: Db, d: { teamId: string; checkinId: number; userId: string; dmChannelId: string; reminder: boolean; now: Date }): Promise<void> {
  await enqueue(tx, {
    teamId: d.teamId,
    method: 'chat.postMessage',
    channelId: d.dmChannelId,
    payload: { render: { kind: VIABILITY_DM_RENDER_KIND, checkinId: d.checkinId, userId: d.userId, reminder: d.reminder }, text: 'Viability check-in' },
    dedupeKey: `viability-${d.reminder ? 'remind' : 'dm'}:${d.checkinId}:${d.userId}`,
    now: d.now,
  });
}

/** Draws a check-in DM as it goes out; null (not sent) once the person answered or answers closed. */
export const viabilityDmRenderer: OutboxRenderer = async (deps, row, now) => {
  const r = Render.parse((row.payload as { render?: unknown }).render);
  const checkin = await findCheckin(deps.db, row.teamId, r.checkinId);
  if (!checkin || checkin.closedAt || checkin.closesAt <= now) return null;
  if (await findResponse(deps.db, checkin.id, r.userId)) return null;
  const project = await findProjectById(deps.db, row.teamId, checkin.projectId);
  if (!project) return null;
  // The channel message goes out before its DMs (queued first, sent in order): its link is known by
  // now. If its post is still being retried, the DM names the channel without the link.
  const links = checkin.outboxId !== null ? await permalinksFor(deps, row.teamId, [checkin.outboxId]) : new Map<number, string>();
  const permalink = checkin.outboxId !== null ? (links.get(checkin.outboxId) ?? null) : null;
  return checkinDmMessage({ slug: project.slug, checkinId: checkin.id, closesAt: checkin.closesAt, channelId: checkin.channelId, permalink, reminder: r.reminder });
};

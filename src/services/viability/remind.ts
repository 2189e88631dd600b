import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findCheckin, responsesFor } from '../../db/repositories/viability.js';
import { checkinAskees } from '../../domain/viability/asked.js';
import type { TimerHandler } from '../job-handlers.js';
import { openDmChannels, queueCheckinDm } from './checkin-dm.js';

export const VIABILITY_REMIND_TIMER = 'viability.remind';

const Payload = z.object({ checkinId: z.number().int().positive() });

/**
 * Before the window closes (domain/viability/reminder.ts says when): a DM to each person asked who
 * has not answered, with the answer buttons and a link to the check-in, and to nobody else. The
 * timer is written with the check-in and claimed by one replica; the DMs' dedupe keys make a
 * retried timer skip whoever was reminded already. Nothing when all answered or it closed.
 */
export const remindCheckin: TimerHandler = async (deps, { timer, now }) => {
  const { checkinId } = Payload.parse(timer.payload);
  const checkin = await findCheckin(deps.db, timer.teamId, checkinId);
  if (!checkin || checkin.closedAt || checkin.closesAt <= now) return;
  const project = await findProjectById(deps.db, checkin.teamId, checkin.projectId);
  if (!project) return;
  const answered = new Set((await responsesFor(deps.db, checkin.id)).map((r) => r.userId));
  const pending = checkinAskees(project).filter((u) => !answered.has(u));
  if (pending.length === 0) return;
  const channels = await openDmChannels(deps, checkin.teamId, pending);
  if (channels.size === 0) return;
  await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    for (const [userId, dmChannelId] of channels) await queueCheckinDm(tx, { teamId: checkin.teamId, checkinId: checkin.id, userId, dmChannelId, reminder: true, now });
  });
  deps.kickOutbox();
};

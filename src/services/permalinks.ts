import type { Deps } from '../deps.js';
import { messagePlaces, setPermalink } from '../db/repositories/outbox.js';

/**
 * Links to messages this app posted through the outbox, for people to follow (the App Home's gates,
 * check-ins and alerts), by outbox row id. A message's permalink is asked of Slack
 * (chat.getPermalink) once, the first time something links to it, and kept on its outbox row, so
 * drawing a Home costs no Slack call for messages linked before. A message not posted yet has no
 * link; a lookup that fails is logged and tried again the next time.
 */
export async function permalinksFor(deps: Deps, teamId: string, outboxIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const places = await messagePlaces(deps.db, outboxIds);
  const missing = places.filter((p) => !p.permalink && p.ts);
  for (const p of places) if (p.permalink) out.set(p.outboxId, p.permalink);
  if (missing.length === 0) return out;
  let client: Awaited<ReturnType<Deps['slack']['forTeam']>>;
  try {
    client = await deps.slack.forTeam(teamId);
  } catch (err) {
    deps.log.warn(`no Slack client for ${teamId} to look up permalinks`, err);
    return out;
  }
  await Promise.all(
    missing.map(async (p) => {
      try {
        const res = await client.chat.getPermalink({ channel: p.channelId, message_ts: p.ts! });
        if (!res.permalink) return;
        await setPermalink(deps.db, p.outboxId, res.permalink);
        out.set(p.outboxId, res.permalink);
      } catch (err) {
        deps.log.warn(`chat.getPermalink for outbox ${p.outboxId} failed; the link is left out this time`, err);
      }
    }),
  );
  return out;
}

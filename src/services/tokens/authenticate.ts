import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { findLiveToken, touchToken } from '../../db/repositories/api-tokens.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { tokenLookupHash } from '../../domain/experiments/api-token.js';

export type TokenCheck = { kind: 'ok'; publicId: string; name: string | null; project: ProjectRow } | { kind: 'expired'; expiredAt: Date } | { kind: 'unknown' };

/** A token's use is written at most this often per app instance: "last used" is to the minute. */
const TOUCH_EVERY_MS = 60_000;
/** Per database: token id → when this instance last recorded its use. An optimisation, never a rule. */
const touched = new WeakMap<Db, Map<number, number>>();

/**
 * The live token a caller presented, with its one project (in the token's own workspace): `ok`,
 * `expired` (past its expiry, said so to the caller), or `unknown` for anything that is not a live
 * token of ours. Only the hash is looked up. Its last use is recorded after the answer, at most
 * once a minute, so a busy CI job costs no write per request.
 */
export async function authenticateToken(deps: Deps, presented: string): Promise<TokenCheck> {
  const hash = tokenLookupHash(presented);
  const found = hash ? await findLiveToken(deps.db, hash) : undefined;
  if (!found) return { kind: 'unknown' };
  const now = deps.clock.now();
  if (found.token.expiresAt && found.token.expiresAt <= now) return { kind: 'expired', expiredAt: found.token.expiresAt };
  recordUse(deps, found.token.id, now);
  return { kind: 'ok', publicId: found.token.publicId, name: found.token.name, project: found.project };
}

function recordUse(deps: Deps, tokenId: number, now: Date): void {
  let seen = touched.get(deps.db);
  if (!seen) touched.set(deps.db, (seen = new Map()));
  const last = seen.get(tokenId);
  if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
  seen.set(tokenId, now.getTime());
  // Not awaited: the request does not wait for bookkeeping, and a failed write only loses a "last used".
  touchToken(deps.db, tokenId, now).catch((err: unknown) => deps.log.warn(`could not record the use of API token ${tokenId}`, err));
}

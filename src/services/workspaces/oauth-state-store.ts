import { createHmac, randomBytes } from 'node:crypto';
import { type InstallURLOptions, InvalidStateError, type StateStore } from '@slack/oauth';
import type { Db } from '../../db/client.js';
import { consumeOauthState, insertOauthState } from '../../db/repositories/oauth-states.js';

/** As long as Bolt keeps the state cookie in the browser (its default). */
export const OAUTH_STATE_TTL_SECONDS = 600;

/**
 * Bolt's StateStore with single use: Bolt's default (a signed, self-contained state) is valid for
 * its whole lifetime, so a redirect URL that leaks (browser history, a proxy log) can be replayed.
 * Here a state is a random value recorded in the database when /slack/install issues it, and
 * deleted when the redirect uses it; a second use, an unknown value or an expired one is refused.
 * The table holds HMAC-SHA256(SLACK_STATE_SECRET, state), not the state, so reading it is not
 * enough to complete someone's install. Stored in the database, so any replica can verify.
 */
export function dbStateStore(db: Db, stateSecret: string): StateStore {
  const hash = (state: string) => createHmac('sha256', stateSecret).update(state).digest('hex');
  return {
    async generateStateParam(installOptions: InstallURLOptions, now: Date) {
      const state = randomBytes(32).toString('base64url');
      await insertOauthState(db, { stateHash: hash(state), installOptions, expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_SECONDS * 1000) }, now);
      return state;
    },
    async verifyStateParam(now: Date, state: string) {
      const found = await consumeOauthState(db, hash(state), now);
      if (!found) throw new InvalidStateError('The state is unknown, already used or expired');
      return found.installOptions as InstallURLOptions;
    },
  };
}

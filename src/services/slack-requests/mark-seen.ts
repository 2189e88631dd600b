import type { Deps } from '../../deps.js';
import { markRequestSeen } from '../../db/repositories/slack-requests.js';

/** True the first time a Slack request key is seen (by any replica); false for every repeat. */
export async function firstDelivery(deps: Deps, key: string): Promise<boolean> {
  return markRequestSeen(deps.db, key, deps.clock.now());
}

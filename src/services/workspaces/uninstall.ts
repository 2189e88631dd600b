import type { Deps } from '../../deps.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { forgetHomeVisitors } from '../../db/repositories/home-visitors.js';
import { deleteInstallation } from '../../db/repositories/installations.js';

/**
 * The workspace removed the app: forget its bot token (project data stays for a reinstall) and who
 * used its Home, so nothing queues Home redraws that could not be sent.
 */
export async function forgetInstallation(deps: Deps, w: { installationKey: string; teamId: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await deleteInstallation(tx, w.installationKey);
    await forgetHomeVisitors(tx, w.teamId);
    await recordAudit(tx, { teamId: w.teamId, actorId: 'slack', action: 'app.uninstalled', at: deps.clock.now() });
  });
}

/** Tokens revoked: a revoked bot token means the installation cannot act any more; user tokens are not stored by this app. */
export async function recordTokensRevoked(deps: Deps, w: { installationKey: string; teamId: string; bot: string[]; oauth: string[] }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (w.bot.length > 0) await deleteInstallation(tx, w.installationKey);
    await recordAudit(tx, { teamId: w.teamId, actorId: 'slack', action: 'tokens.revoked', detail: { bot: w.bot, oauth: w.oauth }, at: deps.clock.now() });
  });
}

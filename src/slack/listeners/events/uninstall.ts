import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { recordAudit } from '../../../db/repositories/audit.js';
import { deleteInstallation } from '../../../db/repositories/installations.js';

/** The workspace removed the app: forget its bot token (project data stays for a reinstall). */
export function appUninstalled(deps: Deps) {
  return async ({ context }: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs) => {
    const key = context.enterpriseId && context.isEnterpriseInstall ? context.enterpriseId : (context.teamId ?? '');
    await deleteInstallation(deps.db, key);
    await recordAudit(deps.db, { teamId: context.teamId ?? key, actorId: 'slack', action: 'app.uninstalled', at: deps.clock.now() });
  };
}

/** Bot tokens revoked: the installation cannot act any more; user tokens are not stored by this app. */
export function tokensRevoked(deps: Deps) {
  return async ({ event, context }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs) => {
    const teamId = context.teamId ?? '';
    if ((event.tokens.bot ?? []).length > 0) await deleteInstallation(deps.db, context.enterpriseId && context.isEnterpriseInstall ? context.enterpriseId : teamId);
    await recordAudit(deps.db, { teamId, actorId: 'slack', action: 'tokens.revoked', detail: { bot: event.tokens.bot ?? [], oauth: event.tokens.oauth ?? [] }, at: deps.clock.now() });
  };
}

import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { forgetInstallation, recordTokensRevoked } from '../../../services/workspaces/uninstall.js';

/** Installations are stored per enterprise for org-wide installs, per team otherwise. */
const installationKey = (context: Context) => (context.enterpriseId && context.isEnterpriseInstall ? context.enterpriseId : (context.teamId ?? ''));

export function appUninstalled(deps: Deps) {
  return async ({ context }: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs) => {
    const key = installationKey(context);
    await forgetInstallation(deps, { installationKey: key, teamId: context.teamId ?? key });
  };
}

export function tokensRevoked(deps: Deps) {
  return async ({ event, context }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs) => {
    await recordTokensRevoked(deps, { installationKey: installationKey(context), teamId: context.teamId ?? '', bot: event.tokens.bot ?? [], oauth: event.tokens.oauth ?? [] });
  };
}

import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { deleteInstallation, findInstallation, saveInstallation } from '../../db/repositories/installations.js';

const keyOf = (q: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }) =>
  (q.isEnterpriseInstall && q.enterpriseId ? q.enterpriseId : q.teamId) ?? '';

/** Bolt's InstallationStore on our database (OAuth / multi-workspace mode). */
export function dbInstallationStore(db: Db, clock: Clock): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const key = keyOf({ isEnterpriseInstall: installation.isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
      if (!installation.bot?.token) throw new Error('installation has no bot token');
      await saveInstallation(db, {
        installKey: key,
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        botToken: installation.bot.token,
        botUserId: installation.bot.userId,
        botId: installation.bot.id,
        installation,
        now: clock.now(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await findInstallation(db, keyOf(query));
      if (!row) throw new Error(`no installation for ${keyOf(query)}`);
      return row.installation as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await deleteInstallation(db, keyOf(query));
    },
  };
}

import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { deleteInstallation, findInstallation, saveInstallation } from '../../db/repositories/installations.js';
import type { TokenCipher } from '../../shared/token-cipher.js';
import { openInstallation, sealInstallation } from './installation-secrets.js';

const keyOf = (q: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }) =>
  (q.isEnterpriseInstall && q.enterpriseId ? q.enterpriseId : q.teamId) ?? '';

/** Bolt's InstallationStore on our database (OAuth / multi-workspace mode); tokens are stored encrypted. */
export function dbInstallationStore(db: Db, clock: Clock, cipher: TokenCipher): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const key = keyOf({ isEnterpriseInstall: installation.isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
      if (!installation.bot?.token) throw new Error('installation has no bot token');
      await saveInstallation(db, {
        installKey: key,
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        botUserId: installation.bot.userId,
        botId: installation.bot.id,
        ...sealInstallation(cipher, installation, installation.bot.token),
        now: clock.now(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await findInstallation(db, keyOf(query));
      if (!row) throw new Error(`no installation for ${keyOf(query)}`);
      return (await openInstallation(db, cipher, row)).installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await deleteInstallation(db, keyOf(query));
    },
  };
}

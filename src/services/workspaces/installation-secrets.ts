import type { Installation } from '@slack/bolt';
import type { Db } from '../../db/client.js';
import { allInstallations, findInstallation, type InstallationRow, resealInstallation } from '../../db/repositories/installations.js';
import { isSealed, type TokenCipher, TokenDecryptError } from '../../shared/token-cipher.js';

/**
 * Installations hold Slack tokens (the bot token, and in Bolt's installation object possibly a user
 * token and refresh tokens), so both columns that carry them are encrypted at rest: `bot_token` as a
 * sealed string, `installation` as `{ "sealed": "enc:v1:…" }` around the whole JSON object.
 *
 * Rows written in plain text by a version before encryption are sealed at start-up
 * (`sealPlainInstallations`) and, should one still be met (an older replica writing during a
 * rolling upgrade), read once as they are and sealed on that read. Keeping a fallback read rather
 * than failing means no workspace goes dark on upgrade; sealing at start-up means no plain token
 * waits for its workspace's next event to be encrypted.
 */
interface SealedJson {
  sealed: string;
}

const isSealedJson = (v: unknown): v is SealedJson => typeof v === 'object' && v !== null && typeof (v as SealedJson).sealed === 'string';

export function sealInstallation(cipher: TokenCipher, installation: Installation, botToken: string): { botToken: string; installation: SealedJson } {
  return { botToken: cipher.seal(botToken), installation: { sealed: cipher.seal(JSON.stringify(installation)) } };
}

function isPlain(row: InstallationRow): boolean {
  return !isSealed(row.botToken) || !isSealedJson(row.installation);
}

/** The row's installation and bot token in clear; a row still in plain text is sealed in the database on the way. */
export async function openInstallation(db: Db, cipher: TokenCipher, row: InstallationRow): Promise<{ installation: Installation; botToken: string }> {
  if (isPlain(row)) {
    const plain = {
      installation: (isSealedJson(row.installation) ? JSON.parse(cipher.open(row.installation.sealed)) : row.installation) as Installation,
      botToken: isSealed(row.botToken) ? cipher.open(row.botToken) : row.botToken,
    };
    // Only if the row is still the one read: a concurrent re-install has already written sealed values.
    await resealInstallation(db, row.installKey, row.botToken, sealInstallation(cipher, plain.installation, plain.botToken));
    return plain;
  }
  return { installation: JSON.parse(cipher.open((row.installation as SealedJson).sealed)) as Installation, botToken: cipher.open(row.botToken) };
}

/** The bot token of a workspace's installation, decrypted: for clients outside a Slack request (jobs, API, outbox). */
export async function installedBotToken(db: Db, cipher: TokenCipher, teamId: string): Promise<string> {
  const row = await findInstallation(db, teamId);
  if (!row) throw new Error(`workspace ${teamId} has no installation`);
  return (await openInstallation(db, cipher, row)).botToken;
}

/**
 * At start-up: seals every installation still in plain text, and counts those that the configured
 * key cannot open (TOKEN_ENCRYPTION_KEY changed), so a wrong key is reported at once, not at the
 * first event of each workspace.
 */
export async function sealPlainInstallations(db: Db, cipher: TokenCipher): Promise<{ sealed: number; unreadable: number }> {
  let sealed = 0;
  let unreadable = 0;
  for (const row of await allInstallations(db)) {
    try {
      if (isPlain(row)) sealed++;
      await openInstallation(db, cipher, row);
    } catch (err) {
      if (!(err instanceof TokenDecryptError)) throw err;
      unreadable++;
    }
  }
  return { sealed, unreadable };
}

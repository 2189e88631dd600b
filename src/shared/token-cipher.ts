import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of the Slack tokens the app stores (OAuth installations): AES-256-GCM with the
 * key from TOKEN_ENCRYPTION_KEY. A sealed value is text, versioned so the format or key can change
 * later without guessing:
 *
 *   enc:v1:<iv, 12 bytes>:<auth tag, 16 bytes>:<ciphertext>   (each part base64url)
 *
 * A fresh random IV per value; the tag makes a wrong key or a tampered value fail loudly instead of
 * decrypting to garbage. Anything not starting with `enc:` is a value stored in plain text by an
 * earlier version (see `isSealed`).
 */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12;

export class TokenDecryptError extends Error {
  override name = 'TokenDecryptError';
}

export interface TokenCipher {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** True for a value written by `seal` (any version); false for plain text from before encryption. */
export function isSealed(stored: string): boolean {
  return stored.startsWith('enc:');
}

export function tokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('a token encryption key is 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')).join(':')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new TokenDecryptError(`stored token is in an unknown format (${sealed.split(':', 2).join(':')}); this version reads ${PREFIX.slice(0, -1)}`);
      const [iv, tag, ciphertext] = sealed.slice(PREFIX.length).split(':').map((p) => Buffer.from(p, 'base64url'));
      if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== 16) throw new TokenDecryptError('stored token is damaged (not a valid enc:v1 value)');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new TokenDecryptError('stored Slack token cannot be decrypted with TOKEN_ENCRYPTION_KEY: the key is not the one it was stored with (or the value was altered)');
      }
    },
  };
}

/** Reads TOKEN_ENCRYPTION_KEY's text: 32 bytes as 64 hex characters or as base64 / base64url. Undefined if it is neither. */
export function parseTokenKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

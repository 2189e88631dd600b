import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, parseTokenKey, tokenCipher, TokenDecryptError } from '../../src/shared/token-cipher.js';

const key = randomBytes(32);
const token = 'xoxb-1234-5678-AbCdEfGhIjKl';

describe('tokenCipher', () => {
  it('seals to a versioned text without the token, with a fresh IV each time, and opens it back', () => {
    const c = tokenCipher(key);
    const a = c.seal(token);
    const b = c.seal(token);
    expect(a).toMatch(/^enc:v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(a).not.toContain('xoxb');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(isSealed(token)).toBe(false);
    expect(c.open(a)).toBe(token);
  });

  it('refuses a wrong key or an altered value with an error naming TOKEN_ENCRYPTION_KEY', () => {
    const sealed = tokenCipher(key).seal(token);
    expect(() => tokenCipher(randomBytes(32)).open(sealed)).toThrow(TokenDecryptError);
    expect(() => tokenCipher(randomBytes(32)).open(sealed)).toThrow(/TOKEN_ENCRYPTION_KEY/);
    const parts = sealed.split(':');
    parts[4] = Buffer.from('xoxb-forged').toString('base64url');
    expect(() => tokenCipher(key).open(parts.join(':'))).toThrow(TokenDecryptError);
    expect(() => tokenCipher(key).open('enc:v9:abc')).toThrow(/unknown format/);
  });
});

describe('parseTokenKey', () => {
  it('takes 32 bytes as hex, base64 or base64url, and nothing else', () => {
    expect(parseTokenKey(key.toString('hex'))).toEqual(key);
    expect(parseTokenKey(key.toString('base64'))).toEqual(key);
    expect(parseTokenKey(key.toString('base64url'))).toEqual(key);
    expect(parseTokenKey(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(parseTokenKey(randomBytes(24).toString('base64'))).toBeUndefined();
    expect(parseTokenKey('correct horse battery staple')).toBeUndefined();
  });
});

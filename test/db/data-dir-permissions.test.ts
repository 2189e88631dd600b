import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { restrictDataDir } from '../../src/db/data-dir-permissions.js';

const root = mkdtempSync(join(tmpdir(), 'mlops-perm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe('restrictDataDir', () => {
  it('tightens a DATA_DIR left by an earlier version: directories 0700, files 0600, symlink targets untouched', () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'base', '5'), { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '17');
    writeFileSync(join(dir, 'base', '5', '16384'), '');
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, '');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    for (const p of [dir, join(dir, 'base'), join(dir, 'base', '5')]) chmodSync(p, 0o777);
    for (const p of [join(dir, 'PG_VERSION'), join(dir, 'base', '5', '16384')]) chmodSync(p, 0o666);

    restrictDataDir(dir);

    expect([dir, join(dir, 'base'), join(dir, 'base', '5')].map(mode)).toEqual([0o700, 0o700, 0o700]);
    expect([join(dir, 'PG_VERSION'), join(dir, 'base', '5', '16384')].map(mode)).toEqual([0o600, 0o600]);
    expect(mode(outside)).toBe(0o644);
  });
});

import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The embedded database's files hold everything the app stores (installations, ballots, API token
 * hashes), so only the app's user may read them: DATA_DIR is 0700, every file in it 0600.
 *
 * Two steps, because either alone leaves holes:
 * - the process umask becomes 0o077 before PGlite starts, so whatever it creates while running
 *   (new relations, WAL segments) is born private, whatever the umask the app was started with;
 * - a chmod pass over the tree after PGlite opens it, after migrations and at close, because PGlite
 *   writes a new cluster's files with explicit modes (0666, and 0644 for the relation cache) that a
 *   umask does not narrow, and a DATA_DIR made by an earlier version has the old modes.
 */
export function prepareDataDir(dir: string): void {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads may not change the umask (a test runner's); the chmod passes still apply.
  }
  if (!existsSync(dir)) {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(dir, { mode: 0o700 });
  }
  restrictDataDir(dir);
}

/** Takes group and other access away from `dir` and everything under it (symlinks are left alone). */
export function restrictDataDir(dir: string): void {
  const visit = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.mode & 0o077) chmodSync(path, st.isDirectory() ? 0o700 : 0o600);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
}

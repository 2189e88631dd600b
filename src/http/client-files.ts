import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

/**
 * The CI script and the Python client, served by the app itself so a CI job or a notebook fetches
 * the version that matches the app it talks to (`curl $MLOPS_URL/ci/mlops-log-run.sh`), from the
 * same address it already trusts with its token. Read once at start-up; the paths are relative to
 * the repository root, which holds `clients/` whether the app runs from `src` or from `dist`.
 */
const FILES = {
  '/ci/mlops-log-run.sh': { path: '../../clients/ci/mlops-log-run.sh', type: 'text/x-shellscript; charset=utf-8' },
  '/clients/mlops_lifecycle.py': { path: '../../clients/python/mlops_lifecycle.py', type: 'text/x-python; charset=utf-8' },
} as const;

export function clientFiles(): Router {
  const r = Router();
  for (const [route, file] of Object.entries(FILES)) {
    const body = readFileSync(fileURLToPath(new URL(file.path, import.meta.url)));
    r.get(route, (_req, res) => {
      res.type(file.type).set('cache-control', 'no-cache').send(body);
    });
  }
  return r;
}

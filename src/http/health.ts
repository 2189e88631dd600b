import { Router } from 'express';
import type { Database } from '../db/client.js';

/** /healthz: the process answers. /readyz: the database answers and every migration is applied. */
export function healthRoutes(database: Database): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  r.get('/readyz', async (_req, res) => {
    const ready = await database.ready();
    res.status(ready ? 200 : 503).json({ ok: ready, database: ready ? 'ready' : 'unavailable or not migrated' });
  });
  return r;
}

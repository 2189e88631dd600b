import { Router } from 'express';
/**
 * /healthz: the process answers (served from the first moment, before the database is open).
 * /readyz: the database answers and every migration is applied.
 */
export function healthRoutes(ready: () => Promise<boolean>): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  r.get('/readyz', async (_req, res) => {
    const ok = await ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ ok, database: ok ? 'ready' : 'unavailable or not migrated' });
  });
  return r;
}

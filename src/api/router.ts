import express, { Router } from 'express';
import type { Deps } from '../deps.js';
import { driftApi } from './drift.js';
import { apiErrorHandler } from './errors.js';
import { openApiDocument } from './openapi.js';
import { projectApi } from './project.js';
import { runsApi } from './runs.js';

/** /api/v1: JSON API for CI, notebooks and monitoring; features mount their routes here. */
export function registerApi(deps: Deps): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => void res.json(openApiDocument()));
  r.use(driftApi(deps)); // before the JSON parser: drift routes read their own, larger bodies (JSON or CSV)
  r.use(express.json({ limit: '2mb' }));
  r.use(runsApi(deps));
  r.use(projectApi(deps));
  r.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such API route.' });
  });
  r.use(apiErrorHandler(deps.log));
  return r;
}

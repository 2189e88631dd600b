import { Router } from 'express';
import type { Deps } from '../deps.js';
import { driftApi } from './drift.js';
import { apiErrorHandler } from './errors.js';
import { jsonBody } from './json-body.js';
import { mlflowApi } from './mlflow.js';
import { openApiDocument } from './openapi.js';
import { projectApi } from './project.js';
import { apiRateLimiters, type ApiRateLimits, DEFAULT_API_RATE_LIMITS } from './rate-limit.js';
import { runsApi } from './runs.js';

export interface ApiOptions {
  /** Rate limits over the defaults; false turns them off (benchmarks). */
  rateLimits?: Partial<ApiRateLimits> | false;
}

/** /api/v1: JSON API for CI, notebooks and monitoring; features mount their routes here. */
export function registerApi(deps: Deps, opts: ApiOptions = {}): Router {
  const r = Router();
  if (opts.rateLimits !== false) r.use(apiRateLimiters({ ...DEFAULT_API_RATE_LIMITS, ...opts.rateLimits }, deps.log));
  r.get('/openapi.json', (_req, res) => void res.json(openApiDocument()));
  r.use(mlflowApi(deps)); // before the JSON parser: the signature covers the raw body
  r.use(driftApi(deps)); // before the JSON parser: drift routes read their own, larger bodies (JSON or CSV)
  r.use(jsonBody());
  r.use(runsApi(deps));
  r.use(projectApi(deps));
  r.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such API route.' });
  });
  r.use(apiErrorHandler(deps.log));
  return r;
}

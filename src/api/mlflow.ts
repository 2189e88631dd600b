import express, { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { receiveMlflowDelivery } from '../services/integrations/mlflow-delivery.js';
import { handle } from './auth.js';
import { ApiError } from './errors.js';
import { API_OPERATIONS } from './openapi.js';

const Query = z.object({ hook: z.string().min(1).max(64) });

/**
 * POST /integrations/mlflow/webhook?hook=<id>: MLflow OSS Model Registry webhooks. The body is read
 * raw (the signature covers its exact bytes) and checked before anything else; see
 * services/integrations/mlflow-delivery.ts for what each event does.
 */
export function mlflowApi(deps: Deps): Router {
  const r = Router();
  r.post(
    '/integrations/mlflow/webhook',
    express.raw({ type: () => true, limit: '1mb' }),
    handle(async (req, res) => {
      const q = Query.safeParse(req.query);
      if (!q.success) throw new ApiError(400, 'invalid_request', 'hook: the webhook URL names its hook: …/integrations/mlflow/webhook?hook=<id>, as /mlops mlflow printed it.', 'hook');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const out = await receiveMlflowDelivery(deps, {
        hook: q.data.hook,
        deliveryId: req.get('x-mlflow-delivery-id'),
        timestamp: req.get('x-mlflow-timestamp'),
        signature: req.get('x-mlflow-signature'),
        body,
      });
      if (out.status !== 200) throw new ApiError(out.status, out.error, out.message, out.field);
      res.json({ ok: true, result: out.result, ...(out.detail ? { detail: out.detail } : {}) });
    }),
  );
  return r;
}

if (!API_OPERATIONS.some((op) => op.path === '/integrations/mlflow/webhook')) {
  API_OPERATIONS.push({
    method: 'post',
    path: '/integrations/mlflow/webhook',
    summary: 'MLflow Model Registry webhooks (HMAC-signed as MLflow signs them; the hook and its secret come from /mlops mlflow): a new version is posted in the project channel; the configured alias on a version opens the deployment gate',
    tag: 'integrations',
    query: Query,
    responses: {
      '200': { description: 'Handled (posted, gate_opened, gate_refused, ignored or replayed)' },
      '400': { description: 'Not an MLflow payload' },
      '401': { description: 'Missing, stale or wrong signature, or an unknown hook: nothing happened' },
    },
  });
}

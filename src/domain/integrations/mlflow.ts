import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How far a delivery's X-MLflow-Timestamp may be from now: as Slack's requests, 5 minutes. */
export const MLFLOW_TIMESTAMP_TOLERANCE_S = 300;

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * MLflow's webhook signature (OSS Model Registry webhooks, after Standard Webhooks): the header
 * `X-MLflow-Signature: v1,<base64 HMAC-SHA256>` over `<delivery id>.<timestamp>.<raw body>`, keyed
 * by the webhook's secret. The header may list several space-separated signatures (a secret being
 * rotated); any one valid is enough. Compared in constant time, on the exact bytes received.
 */
export function checkMlflowSignature(c: { secret: string; deliveryId?: string; timestamp?: string; signature?: string; body: Buffer; nowSeconds: number }): SignatureCheck {
  if (!c.deliveryId || !c.timestamp || !c.signature) return 'missing';
  if (!/^\d{1,12}$/.test(c.timestamp) || Math.abs(c.nowSeconds - Number(c.timestamp)) > MLFLOW_TIMESTAMP_TOLERANCE_S) return 'stale';
  const expected = createHmac('sha256', c.secret).update(`${c.deliveryId}.${c.timestamp}.`).update(c.body).digest();
  for (const part of c.signature.split(' ')) {
    const [version, b64] = part.split(',', 2);
    if (version !== 'v1' || !b64) continue;
    const given = Buffer.from(b64, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
  }
  return 'mismatch';
}

/** A registered model's name and version as MLflow sends them (versions are numbers as strings). */
const ModelName = z.string().min(1).max(256);
const Version = z.string().regex(/^\d{1,10}$/, 'a model version is a number');

/** The envelope of every MLflow webhook delivery. */
export const MlflowEnvelope = z.object({ entity: z.string().max(64), action: z.string().max(64), timestamp: z.string().max(64).optional(), data: z.record(z.string(), z.unknown()) });

/** `model_version.created`: https://mlflow.org/docs/latest/api_reference/python_api/mlflow.webhooks.html */
export const ModelVersionCreated = z.object({
  name: ModelName,
  version: Version,
  source: z.string().max(2000).nullish(),
  run_id: z.string().max(64).nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
  description: z.string().max(5000).nullish(),
});
export type ModelVersionCreated = z.infer<typeof ModelVersionCreated>;

/** `model_version_alias.created`. */
export const ModelVersionAliasCreated = z.object({ name: ModelName, alias: z.string().min(1).max(256), version: Version });
export type ModelVersionAliasCreated = z.infer<typeof ModelVersionAliasCreated>;

/** An alias as MLflow allows them (letters, digits, `_` and `-`), which `/mlops mlflow --alias` takes. */
export const MLFLOW_ALIAS = /^[A-Za-z0-9_-]{1,64}$/;

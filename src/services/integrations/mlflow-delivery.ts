import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { findOpenGate } from '../../db/repositories/gates.js';
import { claimDelivery, findVersion, hookByPublicId, insertVersion, type MlflowHookRow, setVersionGate } from '../../db/repositories/mlflow.js';
import { enqueue, type OutboxRow } from '../../db/repositories/outbox.js';
import { findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { DomainError } from '../../domain/errors.js';
import { checkMlflowSignature, MlflowEnvelope, ModelVersionAliasCreated, ModelVersionCreated } from '../../domain/integrations/mlflow.js';
import { mlflowAliasReply, mlflowVersionMessage, type MlflowVersionView } from '../../messages/mlflow.js';
import { openGate } from '../gates/open-gate.js';

export interface MlflowDelivery {
  /** The hook's public id, from the webhook URL's `?hook=`. */
  hook: string;
  deliveryId?: string;
  timestamp?: string;
  signature?: string;
  /** The raw body: the signature covers these exact bytes. */
  body: Buffer;
}

export type DeliveryOutcome =
  | { status: 200; result: 'posted' | 'gate_opened' | 'gate_refused' | 'ignored' | 'replayed'; detail?: string }
  | { status: 400 | 401; error: string; message: string; field: string | null };

const TRACKING_TIMEOUT_MS = 2000;

/**
 * One MLflow Model Registry webhook delivery. Nothing happens unless its signature is MLflow's
 * with the project hook's secret (401 otherwise, the same answer for an unknown hook, so the
 * address reveals nothing). Then, for the hook's registered model:
 * - `model_version.created` posts the version in the project channel (with its run's metrics when
 *   a tracking server is configured and answers);
 * - `model_version_alias.created` with the hook's alias (default `champion`) opens the deployment
 *   gate with that version as its reason, and says so in the version's thread, where the gate's
 *   outcome is reported when it closes (mlflow-gate-outcome.ts).
 * A delivery id is handled once: MLflow retries a delivery it saw fail with the same id.
 */
export async function receiveMlflowDelivery(deps: Deps, d: MlflowDelivery): Promise<DeliveryOutcome> {
  const hook = /^[a-z0-9]{1,40}$/.test(d.hook) ? await hookByPublicId(deps.db, d.hook) : undefined;
  const now = deps.clock.now();
  const check = hook ? checkMlflowSignature({ secret: hook.secret, deliveryId: d.deliveryId, timestamp: d.timestamp, signature: d.signature, body: d.body, nowSeconds: Math.floor(now.getTime() / 1000) }) : 'mismatch';
  if (!hook || check !== 'ok') {
    const why = check === 'missing' ? 'X-MLflow-Signature, X-MLflow-Timestamp and X-MLflow-Delivery-Id are required' : check === 'stale' ? 'X-MLflow-Timestamp is more than 5 minutes from now' : 'the signature does not match this webhook’s secret';
    return { status: 401, error: 'invalid_signature', message: `Not a delivery signed for this webhook: ${why}.`, field: null };
  }
  let envelope: z.infer<typeof MlflowEnvelope>;
  try {
    envelope = MlflowEnvelope.parse(JSON.parse(d.body.toString('utf8')));
  } catch {
    return { status: 400, error: 'invalid_request', message: 'The body is not an MLflow webhook payload: {"entity", "action", "timestamp", "data"}.', field: 'body' };
  }
  const project = await findProjectById(deps.db, hook.teamId, hook.projectId);
  if (!project) return { status: 200, result: 'ignored', detail: 'the project no longer exists' };
  const event = `${envelope.entity}.${envelope.action}`;
  if (event === 'model_version.created') {
    const data = ModelVersionCreated.safeParse(envelope.data);
    if (!data.success) return invalidData(data.error);
    if (data.data.name !== hook.modelName) return { status: 200, result: 'ignored', detail: `events of ${hook.modelName} only` };
    const metrics = data.data.run_id ? await runMetrics(deps, hook, data.data.run_id) : [];
    const view = versionView(project, hook, data.data, metrics);
    const fresh = await deps.db.transaction(async (tx) => {
      if (!(await claimDelivery(tx, d.deliveryId!, hook.id, now))) return false;
      await versionRoot(tx, project, hook, view, now);
      return true;
    });
    if (!fresh) return { status: 200, result: 'replayed' };
    deps.kickOutbox();
    return { status: 200, result: 'posted' };
  }
  if (event === 'model_version_alias.created') {
    const data = ModelVersionAliasCreated.safeParse(envelope.data);
    if (!data.success) return invalidData(data.error);
    if (data.data.name !== hook.modelName || data.data.alias !== hook.alias) return { status: 200, result: 'ignored', detail: `alias ${hook.alias} of ${hook.modelName} only` };
    return aliasSet(deps, { project, hook, deliveryId: d.deliveryId!, version: data.data.version, now });
  }
  return { status: 200, result: 'ignored', detail: `${event} is not an event this app acts on` };
}

function invalidData(err: z.ZodError): DeliveryOutcome {
  const issue = err.issues[0];
  const field = ['data', ...(issue?.path ?? []).map(String)].join('.');
  return { status: 400, error: 'invalid_request', message: `${field}: ${issue?.message ?? 'invalid'}`, field };
}

/**
 * The alias was set: the version's message (posted now if its creation was not delivered), the
 * deployment gate opened by the verb every gate goes through — as the project owner, who connected
 * MLflow to open it — and a reply in the version's thread saying what happened. The delivery is
 * claimed with that reply, after the gate: a retry after a crash in between finds the gate open
 * and links it rather than opening a second one.
 */
async function aliasSet(deps: Deps, a: { project: ProjectRow; hook: MlflowHookRow; deliveryId: string; version: string; now: Date }): Promise<DeliveryOutcome> {
  const { project, hook, version, now } = a;
  const root = await deps.db.transaction((tx) => versionRoot(tx, project, hook, versionView(project, hook, { name: hook.modelName, version }, []), now));
  const known = await findVersion(deps.db, hook.id, hook.modelName, version);
  let gate: { opened: true; id: number; channelId: string } | { opened: false; reason: string };
  try {
    const opened = await openGate(
      deps,
      project,
      {
        openedBy: project.ownerId,
        toPhase: 'deployment',
        question: `Deploy ${hook.modelName} version ${version} to production?`,
        reason: `MLflow: alias ${hook.alias} set on ${hook.modelName} version ${version}.`,
      },
      now,
    );
    gate = { opened: true, id: opened.id, channelId: opened.channelId };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    // A retry of this delivery after the gate opened: the open gate is this version's.
    const open = known?.gateId === null && project.phase === 'development' ? await findOpenGate(deps.db, project.id, 'development', 'deployment') : undefined;
    gate = open ? { opened: true, id: open.id, channelId: open.channelId } : { opened: false, reason: err.message };
  }
  const fresh = await deps.db.transaction(async (txn) => {
    const tx: Db = txn;
    if (!(await claimDelivery(tx, a.deliveryId, hook.id, now))) return false;
    if (gate.opened) await setVersionGate(tx, { hookId: hook.id, modelName: hook.modelName, version, gateId: gate.id });
    const reply = mlflowAliasReply({ alias: hook.alias, model: hook.modelName, version, gate: gate.opened ? { opened: true, channelId: gate.channelId } : gate });
    await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, parentId: root.id, payload: reply, dedupeKey: `mlflow-alias:${hook.id}:${a.deliveryId}`, now });
    return true;
  });
  if (!fresh) return { status: 200, result: 'replayed' };
  deps.kickOutbox();
  return gate.opened ? { status: 200, result: 'gate_opened' } : { status: 200, result: 'gate_refused', detail: gate.reason };
}

/** The version's message, queued once per hook and version (its dedupe key), with its row. */
async function versionRoot(tx: Db, project: ProjectRow, hook: MlflowHookRow, view: MlflowVersionView, now: Date): Promise<OutboxRow> {
  const row = await enqueue(tx, { teamId: project.teamId, method: 'chat.postMessage', channelId: project.channelId, payload: mlflowVersionMessage(view), dedupeKey: `mlflow-version:${hook.id}:${view.model}:${view.version}`, now });
  await insertVersion(tx, { hookId: hook.id, modelName: view.model, version: view.version, rootOutboxId: row.id, gateId: null });
  return row;
}

function versionView(project: ProjectRow, hook: MlflowHookRow, v: Pick<ModelVersionCreated, 'name' | 'version'> & Partial<ModelVersionCreated>, metrics: MlflowVersionView['metrics']): MlflowVersionView {
  const base = hook.trackingUrl?.replace(/\/+$/, '');
  return {
    slug: project.slug,
    model: v.name,
    version: v.version,
    runId: v.run_id ?? null,
    source: v.source ?? null,
    description: v.description ?? null,
    metrics,
    versionUrl: base ? `${base}/#/models/${encodeURIComponent(v.name)}/versions/${v.version}` : null,
    runUrl: base && v.run_id ? `${base}/#/runs/${encodeURIComponent(v.run_id)}` : null,
  };
}

const RunGet = z.object({ run: z.object({ data: z.object({ metrics: z.array(z.object({ key: z.string(), value: z.number() })).optional() }) }) });

/**
 * The source run's metrics from the tracking server (`GET /api/2.0/mlflow/runs/get`), latest value
 * of each, when a tracking URL is configured; none when it is not, or does not answer in 2 s — the
 * version is posted either way.
 */
async function runMetrics(deps: Deps, hook: MlflowHookRow, runId: string): Promise<MlflowVersionView['metrics']> {
  if (!hook.trackingUrl) return [];
  const url = `${hook.trackingUrl.replace(/\/+$/, '')}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TRACKING_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`answered ${res.status}`);
    const metrics = RunGet.parse(await res.json()).run.data.metrics ?? [];
    const latest = new Map<string, number>();
    for (const m of metrics) latest.set(m.key, m.value);
    return [...latest].map(([name, value]) => ({ name, value })).sort((x, y) => x.name.localeCompare(y.name));
  } catch (err) {
    deps.log.warn(`could not read the metrics of MLflow run ${runId} from ${hook.trackingUrl}; posting the version without them`, err);
    return [];
  }
}

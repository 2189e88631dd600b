import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, gates, mlflowHooks, outbox } from '../../src/db/schema/index.js';
import { databaseKinds } from '../helpers/db.js';
import { blockTexts, CHANNEL, makeProject, OWNER, settle } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/clock.js';

const ANA = 'U0ANA';
const BEN = 'U0BEN';

/**
 * Python's `json.dumps` with its defaults (", " and ": " separators, non-ASCII as \uXXXX), which
 * is how MLflow serialises the payload it signs and sends (mlflow/webhooks/delivery.py).
 */
function pyDumps(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyDumps(k)}: ${pyDumps(x)}`)
    .join(', ')}}`;
}

/** A delivery built as MLflow builds one: envelope, delivery id, unix timestamp, `v1,<base64 HMAC-SHA256>` of `id.timestamp.payload`. */
function mlflowDelivery(secret: string, entity: string, action: string, data: Record<string, unknown>, at: Date, opts: { deliveryId?: string } = {}) {
  const payload = pyDumps({ entity, action, timestamp: at.toISOString(), data });
  const deliveryId = opts.deliveryId ?? randomUUID();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${payload}`).digest('base64')}`;
  return { payload, headers: { 'Content-Type': 'application/json', 'X-MLflow-Delivery-Id': deliveryId, 'X-MLflow-Timestamp': timestamp, 'X-MLflow-Signature': signature } };
}

describe.each(databaseKinds())('MLflow Model Registry webhooks (%s)', (kind) => {
  let h: Harness;
  let tracking: Server;
  let trackingUrl: string;
  let webhook: string;
  let secret: string;

  const post = async (d: { payload: string; headers: Record<string, string> }, url = webhook) => {
    const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.payload });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const command = async (user: string, text: string) => ((await h.people.command(user, CHANNEL, `mlflow ${text}`)).body as { text: string }).text;
  const sideEffects = async () => ({
    gates: (await h.database.db.select().from(gates)).length,
    outbox: (await h.database.db.select().from(outbox)).length,
  });

  beforeAll(async () => {
    // The tracking server's runs/get, as MLflow's REST API answers it (only what the app reads).
    tracking = createServer((req, res) => {
      const runId = new URL(req.url!, 'http://x').searchParams.get('run_id');
      res.setHeader('content-type', 'application/json');
      if (req.url!.startsWith('/api/2.0/mlflow/runs/get') && runId === 'run0001') {
        res.end(JSON.stringify({ run: { info: { run_id: runId }, data: { metrics: [{ key: 'auc', value: 0.9, step: 0 }, { key: 'auc', value: 0.931, step: 1 }, { key: 'latency_p95_ms', value: 88, step: 1 }] } } }));
      } else {
        res.statusCode = 404;
        res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST"}');
      }
    });
    await new Promise<void>((r) => tracking.listen(0, '127.0.0.1', r));
    trackingUrl = `http://127.0.0.1:${(tracking.address() as AddressInfo).port}`;
    h = await bootApp(kind, { config: { publicUrl: 'https://mlops.example.com' } });
    await makeProject(h, 'fraud', { stakeholders: [ANA, BEN], phase: 'development' });
    const text = await command(OWNER, `fraud --model fraud-model --tracking-url ${trackingUrl}`);
    const url = /url="(\S+?)"/.exec(text)?.[1];
    secret = /secret="([A-Za-z0-9_-]{43})"/.exec(text)![1]!;
    // The address MLflow is told is under PUBLIC_URL; the test reaches the same path on the app's own port.
    expect(url).toMatch(/^https:\/\/mlops\.example\.com\/api\/v1\/integrations\/mlflow\/webhook\?hook=[a-z0-9]+$/);
    webhook = url!.replace('https://mlops.example.com', h.app.url);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => tracking?.close(r));
  });

  it('only the owner connects a project; the answer carries the webhook address, the secret once, and MLflow’s create_webhook call', async () => {
    expect(await command(ANA, 'fraud --model other')).toContain('Only the owner of *fraud*');
    const [hook] = await h.database.db.select().from(mlflowHooks);
    expect(hook).toMatchObject({ modelName: 'fraud-model', alias: 'champion', trackingUrl });
    expect(webhook).toMatch(/\/api\/v1\/integrations\/mlflow\/webhook\?hook=[a-z0-9]+$/);
    expect(await command(ANA, 'fraud')).toContain('listens to MLflow model `fraud-model`; alias `champion` opens the deployment gate');
    expect(await command(ANA, 'fraud')).not.toContain(secret);
  });

  it('a wrong signature, a stale timestamp, missing headers or an unknown hook are 401 and nothing happens', async () => {
    const before = await sideEffects();
    const good = mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'fraud-model', alias: 'champion', version: '1' }, h.clock.now());
    const forged = mlflowDelivery('not-the-secret', 'model_version_alias', 'created', { name: 'fraud-model', alias: 'champion', version: '1' }, h.clock.now());
    const stale = mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'fraud-model', alias: 'champion', version: '1' }, new Date(h.clock.now().getTime() - 10 * 60_000));
    const tampered = { ...good, payload: good.payload.replace('"1"', '"2"') };
    const { 'X-MLflow-Signature': _s, ...unsigned } = good.headers;
    for (const d of [forged, stale, tampered, { payload: good.payload, headers: unsigned }]) {
      const res = await post(d);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: 'invalid_signature' });
    }
    expect((await post(good, webhook.replace(/hook=\w+/, 'hook=nosuchhook'))).status).toBe(401);
    await settle(h);
    expect(await sideEffects()).toEqual(before);
  });

  it('model_version.created posts the version in the project channel with its run’s metrics from the tracking server', async () => {
    const d = mlflowDelivery(secret, 'model_version', 'created', { name: 'fraud-model', version: '3', source: 'models:/m-abc123', run_id: 'run0001', tags: { team: 'risk' }, description: 'LightGBM, 2400 trees' }, h.clock.now());
    const res = await post(d);
    expect(res).toEqual({ status: 200, json: { ok: true, result: 'posted' } });
    // MLflow retries a delivery with the same id: handled once.
    expect((await post(d)).json).toMatchObject({ result: 'replayed' });
    await settle(h);
    const posted = h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.includes('New version 3 of fraud-model'));
    expect(posted).toHaveLength(1);
    const text = blockTexts(posted[0]!);
    expect(text).toContain(`<${trackingUrl}/#/models/fraud-model/versions/3|fraud-model v3>`);
    // The latest value of each metric, as the tracking server reports them.
    expect(text).toContain('`auc` 0.931');
    expect(text).toContain('`latency_p95_ms` 88');
    expect(text).toContain(`source run <${trackingUrl}/#/runs/run0001|run0001>`);
    expect(text).toContain('_LightGBM, 2400 trees_');
  });

  it('setting the champion alias on that version opens the deployment gate with it as the reason (as the owner who connected MLflow), and says so in the version’s thread', async () => {
    const res = await post(mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'fraud-model', alias: 'champion', version: '3' }, h.clock.now()));
    expect(res.json).toMatchObject({ result: 'gate_opened' });
    await settle(h);
    const [gate] = await h.database.db.select().from(gates);
    expect(gate).toMatchObject({ fromPhase: 'development', toPhase: 'deployment', openedBy: OWNER, status: 'open', question: 'Deploy fraud-model version 3 to production?' });
    expect(gate!.voters).toEqual([ANA, BEN]);
    const gateMessage = h.slack.store.channelMessages(CHANNEL).find((m) => blockTexts(m).includes('Deploy fraud-model version 3 to production?'))!;
    expect(blockTexts(gateMessage)).toContain('Requested because: MLflow: alias champion set on fraud-model version 3.');
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('New version 3 of fraud-model'))!;
    const replies = h.slack.store.threadReplies(CHANNEL, root.ts).map((m) => m.text);
    expect(replies).toEqual([`:label: Alias \`champion\` set on \`fraud-model\` v3 in MLflow: the deployment gate is open in <#${CHANNEL}> — its outcome will be posted here.`]);
    const audit = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'gate.opened'));
    expect(audit).toHaveLength(1);
  });

  it('the gate’s outcome is reported in the version’s thread when the stakeholders vote', async () => {
    const gateMessage = h.slack.store.channelMessages(CHANNEL).find((m) => blockTexts(m).includes('Deploy fraud-model version 3'))!;
    await h.people.click(ANA, gateMessage, 'Go');
    await h.people.click(BEN, h.slack.store.find(CHANNEL, gateMessage.ts)!, 'Go');
    // The last vote closes the gate in the work after its ack.
    const gate = await waitFor(async () => (await h.database.db.select().from(gates)).find((g) => g.status === 'closed'), 'the gate to close');
    expect(gate.outcome).toBe('go');
    await settle(h);
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('New version 3 of fraud-model'))!;
    expect(h.slack.store.threadReplies(CHANNEL, root.ts).map((m) => m.text).at(-1)).toBe('Deployment gate for `fraud-model` v3 closed — :white_check_mark: *GO*: the project moved to deployment.');
  });

  it('the alias on another model, another alias, or an event the app does not act on: 200, nothing posted', async () => {
    const before = await sideEffects();
    for (const d of [
      mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'other-model', alias: 'champion', version: '1' }, h.clock.now()),
      mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'fraud-model', alias: 'staging', version: '4' }, h.clock.now()),
      mlflowDelivery(secret, 'registered_model', 'created', { name: 'fraud-model', tags: {}, description: null }, h.clock.now()),
    ]) {
      expect((await post(d)).json).toMatchObject({ ok: true, result: 'ignored' });
    }
    expect(await sideEffects()).toEqual(before);
  });

  it('the alias when the project is past development: no gate, and the thread says why', async () => {
    const res = await post(mlflowDelivery(secret, 'model_version_alias', 'created', { name: 'fraud-model', alias: 'champion', version: '5' }, h.clock.now()));
    expect(res.json).toMatchObject({ result: 'gate_refused' });
    await settle(h);
    expect((await h.database.db.select().from(gates)).length).toBe(1);
    // Version 5's creation was never delivered: its message is posted with the alias.
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('New version 5 of fraud-model'))!;
    expect(h.slack.store.threadReplies(CHANNEL, root.ts)[0]!.text).toMatch(/but no deployment gate was opened: /);
  });

  it('a signed body that is not an MLflow payload is a 400 naming the field; nothing happens', async () => {
    const before = await sideEffects();
    const bad = mlflowDelivery(secret, 'model_version', 'created', { name: 'fraud-model', version: 'three' }, h.clock.now());
    expect((await post(bad)).status).toBe(400);
    const res = await post(bad);
    expect(res.json).toMatchObject({ error: 'invalid_request', field: 'data.version' });
    expect(await sideEffects()).toEqual(before);
  });

  it('after /mlops mlflow <slug> off, deliveries are refused', async () => {
    expect(await command(OWNER, 'fraud off')).toContain('disconnected from MLflow');
    expect((await post(mlflowDelivery(secret, 'model_version', 'created', { name: 'fraud-model', version: '9' }, h.clock.now()))).status).toBe(401);
  });
});

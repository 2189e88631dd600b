import type { Db } from '../../db/client.js';
import type { GateRow } from '../../db/repositories/gates.js';
import { versionOfGate } from '../../db/repositories/mlflow.js';
import { enqueue } from '../../db/repositories/outbox.js';
import { mlflowOutcomeReply } from '../../messages/mlflow.js';

/**
 * A gate an MLflow alias opened has closed: its outcome goes in the model version's thread, in the
 * closing transaction (through the outbox, once per gate), so the thread that started with the
 * version ends with the team's decision about it.
 */
export async function reportGateOutcomeToMlflowThread(tx: Db, gate: GateRow, now: Date): Promise<void> {
  if (!gate.outcome) return;
  const version = await versionOfGate(tx, gate.id);
  if (!version) return;
  await enqueue(tx, {
    teamId: gate.teamId,
    method: 'chat.postMessage',
    channelId: gate.channelId,
    parentId: version.rootOutboxId,
    payload: mlflowOutcomeReply({ model: version.modelName, version: version.version, outcome: gate.outcome }),
    dedupeKey: `mlflow-outcome:${gate.id}`,
    now,
  });
}

import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { driftBatches, driftReferenceColumns, driftReferences } from '../schema/index.js';

/**
 * The few reads of stored drift data that alert threads, `/mlops drift` and the project sections
 * need (the ingestion writes these tables). Reports come back as stored JSON: the caller knows
 * their shape (src/domain/drift/report.ts).
 */

export interface StoredBatch {
  id: number;
  rows: number;
  observedAt: Date;
  receivedAt: Date;
  driftShare: number;
  datasetDrift: boolean;
  performanceAlert: boolean;
  report: unknown;
  /** `token:<public id>` of the token that sent it; null before senders were stored. */
  sentBy: string | null;
}

const batchColumns = {
  id: driftBatches.id,
  rows: driftBatches.rows,
  observedAt: driftBatches.observedAt,
  receivedAt: driftBatches.receivedAt,
  driftShare: driftBatches.driftShare,
  datasetDrift: driftBatches.datasetDrift,
  performanceAlert: driftBatches.performanceAlert,
  report: driftBatches.report,
  sentBy: driftBatches.sentBy,
};

export async function findBatch(db: Db, projectId: number, batchId: number): Promise<StoredBatch | undefined> {
  const [row] = await db.select(batchColumns).from(driftBatches).where(and(eq(driftBatches.projectId, projectId), eq(driftBatches.id, batchId)));
  return row;
}

export async function latestBatch(db: Db, projectId: number): Promise<StoredBatch | undefined> {
  const [row] = await db.select(batchColumns).from(driftBatches).where(eq(driftBatches.projectId, projectId)).orderBy(desc(driftBatches.id)).limit(1);
  return row;
}

/** The project's current reference sample: its size and column names (no values), or undefined. */
export async function currentReference(db: Db, projectId: number): Promise<{ id: number; rows: number; createdAt: Date; columns: { name: string; role: string; kind: string }[] } | undefined> {
  const [ref] = await db
    .select({ id: driftReferences.id, rows: driftReferences.rows, createdAt: driftReferences.createdAt })
    .from(driftReferences)
    .where(and(eq(driftReferences.projectId, projectId), eq(driftReferences.current, true)));
  if (!ref) return undefined;
  const columns = await db
    .select({ name: driftReferenceColumns.name, role: driftReferenceColumns.role, kind: driftReferenceColumns.kind })
    .from(driftReferenceColumns)
    .where(eq(driftReferenceColumns.referenceId, ref.id))
    .orderBy(asc(driftReferenceColumns.name));
  return { ...ref, columns };
}

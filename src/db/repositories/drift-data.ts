import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../client.js';
import { driftBatches, driftReferenceColumns, driftReferences, driftSettings } from '../schema/index.js';
import { yieldToEventLoop } from '../../shared/yield-to-event-loop.js';
import type { ProjectScope } from './runs.js';

export type DriftReferenceRow = typeof driftReferences.$inferSelect;
export type DriftBatchRow = typeof driftBatches.$inferSelect;
export type DriftRole = (typeof driftReferenceColumns.$inferSelect)['role'];
export type DriftKind = (typeof driftReferenceColumns.$inferSelect)['kind'];

/** A reference column to store: numeric values as little-endian float64 bytes, categorical ones as JSON text. */
export type NewReferenceColumn = { name: string; role: DriftRole } & ({ kind: 'numeric'; numeric: Uint8Array } | { kind: 'categorical'; categoricalJson: string });

/**
 * Stores a reference and makes it the project's live one, in the caller's transaction: the previous
 * live reference is marked `current = false` first (batches compared with it keep pointing at it).
 * One row per column; each column is its own statement, so no single message carries the whole
 * sample and the event loop gets a turn between columns.
 *
 * Values cross the driver as text that SQL converts: float64 bytes as base64 (`decode`), categorical
 * values as JSON text (`::jsonb`). PGlite's own bytea parameter and result conversion walks the
 * bytes one at a time in JavaScript (seconds for a million values, on the event loop), and a jsonb
 * parameter would make the driver stringify a million strings; base64 is native in Node and C in
 * PostgreSQL, for pg and PGlite alike.
 */
export async function insertReferenceIn(
  tx: Db,
  scope: ProjectScope,
  r: { rows: number; createdBy: string; now: Date; columns: NewReferenceColumn[] },
): Promise<DriftReferenceRow> {
  await tx
    .update(driftReferences)
    .set({ current: false })
    .where(and(eq(driftReferences.teamId, scope.teamId), eq(driftReferences.projectId, scope.projectId), eq(driftReferences.current, true)));
  const [ref] = await tx
    .insert(driftReferences)
    .values({ teamId: scope.teamId, projectId: scope.projectId, rows: r.rows, createdBy: r.createdBy, createdAt: r.now, current: true })
    .returning();
  for (const c of r.columns) {
    await yieldToEventLoop();
    await tx.insert(driftReferenceColumns).values({
      referenceId: ref!.id,
      name: c.name,
      role: c.role,
      kind: c.kind,
      numeric: c.kind === 'numeric' ? sql`decode(${Buffer.from(c.numeric.buffer, c.numeric.byteOffset, c.numeric.byteLength).toString('base64')}, 'base64')` : null,
      categorical: c.kind === 'categorical' ? sql`${c.categoricalJson}::jsonb` : null,
    });
  }
  return ref!;
}

export async function currentReference(db: Db, scope: ProjectScope): Promise<DriftReferenceRow | undefined> {
  const [row] = await db
    .select()
    .from(driftReferences)
    .where(and(eq(driftReferences.teamId, scope.teamId), eq(driftReferences.projectId, scope.projectId), eq(driftReferences.current, true)))
    .orderBy(desc(driftReferences.id))
    .limit(1);
  return row;
}

export interface ReferenceColumnHead {
  name: string;
  role: DriftRole;
  kind: DriftKind;
}

/** A reference's columns without their values. */
export async function referenceColumnHeads(db: Db, referenceId: number): Promise<ReferenceColumnHead[]> {
  return db
    .select({ name: driftReferenceColumns.name, role: driftReferenceColumns.role, kind: driftReferenceColumns.kind })
    .from(driftReferenceColumns)
    .where(eq(driftReferenceColumns.referenceId, referenceId))
    .orderBy(asc(driftReferenceColumns.name));
}

/**
 * One column's stored values: float64 bytes (read as base64, see insertReferenceIn), or the
 * categorical JSON as text (not parsed here: a worker thread parses it, off the event loop).
 */
export async function referenceColumnData(db: Db, referenceId: number, name: string): Promise<{ numeric: Buffer | null; categoricalJson: string | null }> {
  const [row] = await db
    .select({
      numericBase64: sql<string | null>`encode(${driftReferenceColumns.numeric}, 'base64')`,
      categoricalJson: sql<string | null>`${driftReferenceColumns.categorical}::text`,
    })
    .from(driftReferenceColumns)
    .where(and(eq(driftReferenceColumns.referenceId, referenceId), eq(driftReferenceColumns.name, name)));
  if (!row) throw new Error(`reference ${referenceId} has no column ${name}`);
  // PostgreSQL's base64 breaks lines every 76 characters; Node's decoder skips the line breaks.
  return { numeric: row.numericBase64 === null ? null : Buffer.from(row.numericBase64, 'base64'), categoricalJson: row.categoricalJson };
}

/** The project's drift settings as stored (validated by the caller), or undefined when never set. */
export async function storedDriftSettings(db: Db, scope: ProjectScope): Promise<unknown> {
  const [row] = await db
    .select({ settings: driftSettings.settings })
    .from(driftSettings)
    .where(and(eq(driftSettings.teamId, scope.teamId), eq(driftSettings.projectId, scope.projectId)));
  return row?.settings;
}

/** The id the next batch will get, drawn before the insert so its report can carry it. */
export async function nextBatchId(tx: Db): Promise<number> {
  const res = await tx.execute(sql`select nextval(pg_get_serial_sequence('drift_batches', 'id')) as id`);
  return Number(rowsOf<{ id: string | number }>(res)[0]!.id);
}

export type NewBatch = Omit<typeof driftBatches.$inferInsert, 'teamId' | 'projectId'> & { id: number };

/**
 * Inserts a batch; undefined when its Idempotency-Key is already used in the project (the unique
 * index decides, so concurrent retries store one batch).
 */
export async function insertBatchIn(tx: Db, scope: ProjectScope, b: NewBatch): Promise<{ id: number } | undefined> {
  const [row] = await tx
    .insert(driftBatches)
    .values({ ...b, teamId: scope.teamId, projectId: scope.projectId })
    .onConflictDoNothing()
    // Only the id: the caller has the report, and reading it back would parse it again on the event loop.
    .returning({ id: driftBatches.id });
  return row;
}

export async function findBatchByIdempotencyKey(db: Db, scope: ProjectScope, key: string): Promise<DriftBatchRow | undefined> {
  const [row] = await db
    .select()
    .from(driftBatches)
    .where(and(eq(driftBatches.teamId, scope.teamId), eq(driftBatches.projectId, scope.projectId), eq(driftBatches.idempotencyKey, key)));
  return row;
}

export async function latestBatch(db: Db, scope: ProjectScope): Promise<DriftBatchRow | undefined> {
  const [row] = await db
    .select()
    .from(driftBatches)
    .where(and(eq(driftBatches.teamId, scope.teamId), eq(driftBatches.projectId, scope.projectId)))
    .orderBy(desc(driftBatches.id))
    .limit(1);
  return row;
}

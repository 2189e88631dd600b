import type { Deps } from '../../deps.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { insertReferenceIn, type NewReferenceColumn } from '../../db/repositories/drift-data.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { scopeOf } from '../../db/repositories/runs.js';
import { float64Bytes, type ColumnRole } from '../../domain/drift/columns.js';
import type { ColumnKind } from '../../domain/drift/default-test.js';
import type { MediaType, UploadOptions } from '../../domain/drift/input.js';
import { DriftInputError } from '../../domain/drift/input-error.js';
import type { MissingCounts } from '../../domain/drift/values.js';
import { utf8Text } from './shared-text.js';

/** An upload as the edge hands it over; the body is read only once the verb needs it. */
export interface DriftUpload {
  media: MediaType;
  options: UploadOptions;
  /** The body as blocks of bytes (shared/read-blocks.ts). */
  readBody(): Promise<Uint8Array[]>;
}

export interface ReferenceSummary {
  referenceId: number;
  rows: number;
  createdAt: Date;
  columns: { name: string; role: ColumnRole; kind: ColumnKind; present: number; missing: MissingCounts }[];
}

/**
 * Replaces the project's drift reference: the sample is decoded and typed (in a worker thread when
 * large), then stored as one row per column — numeric columns as float64 bytes, categorical ones
 * as JSON — while the previous reference stops being current, in one transaction with its audit
 * row. Nothing is written when the upload is refused. The decoded sample goes to the cache, so the
 * next batch does not read it back.
 */
export async function setReference(deps: Deps, project: ProjectRow, upload: DriftUpload & { createdBy: string }): Promise<ReferenceSummary> {
  const body = await upload.readBody();
  const outcome = await deps.drift.evaluate({ type: 'reference', body, media: upload.media, options: upload.options }, { values: 0 });
  if (!outcome.ok) throw DriftInputError.fromJSON(outcome.error);
  const { rows, columns } = outcome.value;
  const now = deps.clock.now();
  const stored: NewReferenceColumn[] = columns.map((c) =>
    c.kind === 'numeric' ? { name: c.name, role: c.role, kind: 'numeric', numeric: float64Bytes(c.numeric!) } : { name: c.name, role: c.role, kind: 'categorical', categoricalJson: utf8Text(c.categorical!) },
  );
  const ref = await deps.db.transaction(async (tx) => {
    const row = await insertReferenceIn(tx, scopeOf(project), { rows, createdBy: upload.createdBy, now, columns: stored });
    await recordAudit(tx, {
      teamId: project.teamId,
      projectId: project.id,
      actorId: upload.createdBy,
      action: 'drift.reference_set',
      detail: { referenceId: row.id, rows, columns: columns.length },
      at: now,
    });
    return row;
  });
  deps.drift.references.put({
    id: ref.id,
    rows,
    columns: columns.map(({ name, role, kind, numeric, categorical }) => ({ name, role, kind, numeric, categorical })),
  });
  return {
    referenceId: ref.id,
    rows,
    createdAt: ref.createdAt,
    columns: columns.map(({ name, role, kind, present, missing }) => ({ name, role, kind, present, missing })),
  };
}

import type { Deps } from '../../deps.js';
import { referenceColumnData, referenceColumnHeads, type DriftReferenceRow } from '../../db/repositories/drift-data.js';
import { fromFloat64Bytes } from '../../domain/drift/columns.js';
import type { CachedReference } from './reference-cache.js';

/**
 * A project's reference as evaluation takes it, from the cache or else from the database, one
 * column per query so no single result carries the whole sample. Numeric bytes are copied into
 * shared memory, which the worker threads read in place.
 */
export async function loadReference(deps: Deps, row: DriftReferenceRow): Promise<CachedReference> {
  return deps.drift.references.get(row.id, async () => {
    const heads = await referenceColumnHeads(deps.db, row.id);
    const columns: CachedReference['columns'] = [];
    for (const h of heads) {
      const data = await referenceColumnData(deps.db, row.id, h.name);
      columns.push(h.kind === 'numeric' ? { ...h, numeric: fromFloat64Bytes(data.numeric!, true) } : { ...h, categoricalJson: data.categoricalJson! });
    }
    return { id: row.id, rows: row.rows, columns };
  });
}

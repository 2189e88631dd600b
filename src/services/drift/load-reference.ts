import type { Deps } from '../../deps.js';
import { referenceColumnData, referenceColumnHeads, type DriftReferenceRow } from '../../db/repositories/drift-data.js';
import { fromFloat64Bytes } from '../../domain/drift/columns.js';
import { yieldToEventLoop } from '../../shared/yield-to-event-loop.js';
import type { CachedReference } from './reference-cache.js';
import { sharedUtf8 } from './shared-text.js';

/**
 * A project's reference as evaluation takes it, from the cache or else from the database, one
 * column per query so no single result carries the whole sample, with a turn of the event loop
 * between them. Values are copied into shared memory, which the worker threads read in place.
 */
export async function loadReference(deps: Deps, row: DriftReferenceRow): Promise<CachedReference> {
  return deps.drift.references.get(row.id, async () => {
    const heads = await referenceColumnHeads(deps.db, row.id);
    const columns: CachedReference['columns'] = [];
    for (const h of heads) {
      await yieldToEventLoop();
      const data = await referenceColumnData(deps.db, row.id, h.name);
      columns.push(h.kind === 'numeric' ? { ...h, numeric: fromFloat64Bytes(data.numeric!, true) } : { ...h, categorical: sharedUtf8(data.categoricalJson!) });
    }
    return { id: row.id, rows: row.rows, columns };
  });
}

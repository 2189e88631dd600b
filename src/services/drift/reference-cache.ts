import type { StoredColumn } from './evaluation-tasks.js';

export interface CachedReference {
  id: number;
  rows: number;
  columns: StoredColumn[];
}

/**
 * Decoded references by id, most recently used kept, up to a byte budget. A reference never
 * changes once stored (a new one gets a new id), so an entry is never stale and replicas need no
 * coordination. Without it every batch would read its reference back from the database — up to
 * 40 MB of float64 bytes — and decode it on the event loop. Loads of the same id share one promise.
 */
export class ReferenceCache {
  private readonly entries = new Map<number, { ref: Promise<CachedReference>; bytes: number }>();

  constructor(private readonly maxBytes = 512_000_000) {}

  put(ref: CachedReference): void {
    this.remember(ref.id, Promise.resolve(ref), sizeOf(ref));
  }

  async get(id: number, load: () => Promise<CachedReference>): Promise<CachedReference> {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.ref;
    }
    const loading = load();
    this.remember(id, loading, 0);
    try {
      const ref = await loading;
      if (this.entries.get(id)?.ref === loading) this.remember(id, loading, sizeOf(ref));
      return ref;
    } catch (err) {
      if (this.entries.get(id)?.ref === loading) this.entries.delete(id);
      throw err;
    }
  }

  /** Forgets every entry (the next batch of each project reads its reference from the database). */
  clear(): void {
    this.entries.clear();
  }

  private remember(id: number, ref: Promise<CachedReference>, bytes: number): void {
    this.entries.delete(id);
    this.entries.set(id, { ref, bytes });
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    // Oldest first; the entry just added stays even when it alone is over the budget.
    for (const [key, e] of this.entries) {
      if (total <= this.maxBytes || key === id) break;
      this.entries.delete(key);
      total -= e.bytes;
    }
  }
}

function sizeOf(ref: CachedReference): number {
  return ref.columns.reduce((n, c) => n + (c.numeric?.byteLength ?? 0) + (c.categorical?.byteLength ?? 0), 0);
}

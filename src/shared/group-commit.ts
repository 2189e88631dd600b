/**
 * Group commit: calls that arrive while a batch is being written wait and are written together in
 * the next batch, so concurrent callers share one transaction (and its commit) instead of each
 * paying for their own. A lone call is written at once, without waiting for company: the batch
 * grows only with the load. Each caller gets its own outcome; `write` settles every item of its
 * batch (a failure of one must not become the others').
 */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export function groupCommit<I, O>(write: (items: I[]) => Promise<Settled<O>[]>, opts: { maxBatch: number }): (item: I) => Promise<O> {
  const waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let writing = false;

  const next = async (): Promise<void> => {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, opts.maxBatch);
      let outcomes: Settled<O>[];
      try {
        outcomes = await write(batch.map((w) => w.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((w, i) => {
        const o = outcomes[i] ?? { ok: false, error: new Error('group commit: no outcome for an item') };
        if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    }
    writing = false;
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!writing) void next();
    });
}

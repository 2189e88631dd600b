import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openPglite } from '../../src/db/client.js';

// The sandbox's database runs on the app's own thread: while one request's transaction runs, the
// others' sockets and the app's timers must still get turns, or every statement of it is a stall.
it('timers still run while a long PGlite transaction runs (the embedded database yields between statements)', async () => {
  const db = await openPglite();
  try {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let statements = 0;
    const started = performance.now();
    await db.db.transaction(async (tx) => {
      while (performance.now() - started < 50) {
        await tx.execute(sql`select ${statements}::int`);
        statements++;
      }
    });
    clearInterval(timer);
    expect(statements).toBeGreaterThan(10);
    // 50 ms of statements: a timer due every millisecond fires many times, not zero.
    expect(ticks).toBeGreaterThan(5);
  } finally {
    await db.close();
  }
});

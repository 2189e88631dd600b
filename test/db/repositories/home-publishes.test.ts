import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { recordHomeVisit } from '../../../src/db/repositories/home-visitors.js';
import { claimDueOutbox, markSent, queueHomePublishes } from '../../../src/db/repositories/outbox.js';
import { outbox } from '../../../src/db/schema/index.js';
import { databaseKinds, freshDatabase } from '../../helpers/db.js';

const [ANA, BEN] = ['U0ANA', 'U0BEN'];
const render = { kind: 'home' };

describe.each(databaseKinds())('queueHomePublishes (%s)', (kind) => {
  let database: Database;
  const now = new Date('2026-11-29T12:00:00Z');
  beforeAll(async () => {
    database = await freshDatabase(kind);
  });
  afterAll(async () => database?.close());
  const homeRows = (teamId: string) => database.db.select().from(outbox).where(eq(outbox.teamId, teamId));

  it('queues one redraw per person who has opened Home, none while one is waiting, a new one once that one is taken', async () => {
    expect(await recordHomeVisit(database.db, 'T1', ANA, now)).toBe(true);
    expect(await recordHomeVisit(database.db, 'T1', ANA, now)).toBe(false);
    // BEN never opened Home: nothing for him.
    expect(await queueHomePublishes(database.db, { teamId: 'T1', userIds: [ANA, BEN, ANA], render, now })).toBe(1);
    const [row] = await homeRows('T1');
    expect(row).toMatchObject({ method: 'views.publish', channelId: ANA, lane: `home:T1:${ANA}`, status: 'pending', payload: { render: { kind: 'home', userId: ANA } } });
    expect(await queueHomePublishes(database.db, { teamId: 'T1', userIds: [ANA], render, now })).toBe(0);

    // A worker took it (it renders now, maybe before the next change): the next change queues another.
    const [claimed] = await claimDueOutbox(database.db, now, 60_000, 10);
    expect(claimed!.id).toBe(row!.id);
    expect(await queueHomePublishes(database.db, { teamId: 'T1', userIds: [ANA], render, now })).toBe(1);
    // One at a time per person: the second waits in the lane until the first is sent.
    expect(await claimDueOutbox(database.db, now, 60_000, 10)).toEqual([]);
    await markSent(database.db, claimed!, null, now);
    expect((await claimDueOutbox(database.db, now, 60_000, 10)).map((r) => r.channelId)).toEqual([ANA]);

    // The same user id in another workspace (an Enterprise Grid) has a Home of its own.
    await recordHomeVisit(database.db, 'T2', ANA, now);
    expect(await queueHomePublishes(database.db, { teamId: 'T2', userIds: [ANA], render, now })).toBe(1);
    expect(await queueHomePublishes(database.db, { teamId: 'T1', userIds: [], render, now })).toBe(0);
  });

  it.runIf(kind === 'postgres')('a waiting redraw found by a change is not rendered before that change commits', async () => {
    await recordHomeVisit(database.db, 'T3', BEN, now);
    expect(await queueHomePublishes(database.db, { teamId: 'T3', userIds: [BEN], render, now })).toBe(1);
    const [waiting] = await homeRows('T3');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let found!: () => void;
    const coalesced = new Promise<void>((r) => (found = r));
    const change = database.db.transaction(async (tx) => {
      expect(await queueHomePublishes(tx, { teamId: 'T3', userIds: [BEN], render, now })).toBe(0);
      found();
      await held;
    });
    await coalesced;
    // The worker skips the row the uncommitted change holds…
    expect((await claimDueOutbox(database.db, now, 60_000, 50)).map((r) => r.id)).not.toContain(waiting!.id);
    release();
    await change;
    // …and renders it once that change is committed.
    expect((await claimDueOutbox(database.db, now, 60_000, 50)).map((r) => r.id)).toContain(waiting!.id);
  });
});

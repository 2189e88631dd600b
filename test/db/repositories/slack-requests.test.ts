import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { markRequestSeen } from '../../../src/db/repositories/slack-requests.js';
import { databaseKinds, freshDatabase } from '../../helpers/db.js';

describe.each(databaseKinds())('markRequestSeen (%s)', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase(kind);
  });
  afterAll(async () => database?.close());

  it('says "first" once per key, alone or among concurrent calls, a key repeated within them included', async () => {
    const now = new Date('2026-11-29T12:00:00Z');
    expect(await markRequestSeen(database.db, 'trigger:alone', now)).toBe(true);
    expect(await markRequestSeen(database.db, 'trigger:alone', now)).toBe(false);
    const keys = ['trigger:a', 'trigger:b', 'trigger:a', 'trigger:alone', 'trigger:c', 'trigger:b'];
    const firsts = await Promise.all(keys.map((k) => markRequestSeen(database.db, k, now)));
    expect(firsts).toEqual([true, true, false, false, true, false]);
    expect(await Promise.all(['trigger:a', 'trigger:d'].map((k) => markRequestSeen(database.db, k, now)))).toEqual([false, true]);
  });
});

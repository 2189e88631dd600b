import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { prepareDataDir, restrictDataDir } from './data-dir-permissions.js';
import * as schema from './schema/index.js';
import { yieldToEventLoop } from '../shared/yield-to-event-loop.js';

/** PostgreSQL (pg) or PGlite behind one type: repositories are written once against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations; safe to call from several replicas at once on PostgreSQL. */
  migrate(): Promise<void>;
  /** True when the database answers and every migration in `migrations/` has been applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Called with the error when a pooled connection that was not in use breaks (the server stopped or
   * restarted). The pool has already dropped it and opens a fresh one on the next query.
   */
  onConnectionLost(listener: (err: Error) => void): void;
}

/** Raw `execute` results differ in type between pg and PGlite, but both carry `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

function migrationCount(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

async function appliedCount(db: Db): Promise<number> {
  const res = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
}

async function isReady(db: Db): Promise<boolean> {
  try {
    return (await appliedCount(db)) >= migrationCount();
  } catch {
    return false;
  }
}

// Any fixed number works; it only has to be the same in every replica.
const MIGRATION_LOCK_ID = 724_311_001;

/**
 * Connecting to PostgreSQL (TCP and authentication) must take less than this. Slack wants an answer
 * within 3 s; a server that is down but does not refuse (a host gone, a packet filter) would
 * otherwise hold a request for the operating system's TCP timeout, minutes. Past it the query fails
 * as "database unavailable" and the person is told to try again.
 */
export const CONNECT_TIMEOUT_MS = 2_000;

/**
 * How long a query may wait for a free pooled connection when all are busy: so that nothing waits
 * for ever, yet a burst of API requests (not bound to Slack's 3 s) queues rather than fails.
 */
export const POOL_WAIT_TIMEOUT_MS = 10_000;

/**
 * pg-pool's one `connectionTimeoutMillis` bounds both the wait for a free connection and the
 * connection attempt; node-postgres' Client has its own connect timeout, set here to the shorter bound.
 */
class BoundedConnectClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: POOL_WAIT_TIMEOUT_MS, Client: BoundedConnectClient });
  // An idle connection that breaks (PostgreSQL stopped or restarted) is reported as an 'error'
  // event on the pool, and an 'error' event with no listener ends the Node process. The pool has
  // already discarded the connection and reconnects on demand; the app only needs to hear of it.
  const lostListeners: ((err: Error) => void)[] = [];
  pool.on('error', (err) => {
    for (const l of lostListeners) l(err);
  });
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // drizzle's migrator does not lock; two replicas starting together would race on the DDL.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        await migratePg(drizzlePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
        client.release();
      }
    },
    ready: () => isReady(db),
    close: () => pool.end(),
    onConnectionLost: (listener) => void lostListeners.push(listener),
  };
}

/** Embedded PostgreSQL (WASM). `dataDir` undefined keeps it in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) prepareDataDir(dataDir);
  const client = await PGlite.create(dataDir);
  // PGlite runs on this thread and answers through promises alone: a transaction's statements (and
  // the next request's after them) would run back to back as one chain of microtasks while timers
  // and sockets wait — 50–60 ms stalls under a sandbox's load. A turn of the event loop before each
  // round trip to it bounds a stall to one statement.
  const roundTrip = client.execProtocolRaw.bind(client);
  client.execProtocolRaw = async (...args: Parameters<typeof roundTrip>) => {
    await yieldToEventLoop();
    return roundTrip(...args);
  };
  const restrict = () => {
    if (dataDir) restrictDataDir(dataDir);
  };
  restrict();
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: async () => {
      await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      restrict();
    },
    ready: () => isReady(db),
    close: async () => {
      await client.close();
      restrict();
    },
    // In-process: there is no connection to lose.
    onConnectionLost: () => {},
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

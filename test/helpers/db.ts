import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../../src/db/client.js';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function databaseKinds(): DbKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A new, empty, migrated database: in-memory PGlite, or a freshly created PostgreSQL database that
 * is dropped on close — so test files never see each other's rows.
 */
export interface FreshDatabaseOptions {
  poolSize?: number;
  /** PostgreSQL: the new database's name starts with this (default `mlops_test`), e.g. to tell a benchmark's databases apart. */
  namePrefix?: string;
  /**
   * PostgreSQL: the URL the app's pool connects to, given the new database's own (e.g. through a TCP
   * proxy that a test stops and starts to take the database away). Creating and dropping the
   * database always go straight to the server.
   */
  connectThrough?: (url: string) => string;
}

export async function freshDatabase(kind: DbKind, opts: FreshDatabaseOptions = {}): Promise<Database & { url?: string }> {
  if (kind === 'pglite') {
    const db = await openPglite();
    await db.migrate();
    return db;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const created = await createPostgresDatabase(adminUrl, opts.namePrefix);
  const db = openPostgres(opts.connectThrough ? opts.connectThrough(created.url) : created.url, opts.poolSize ?? 10);
  await db.migrate();
  return {
    ...db,
    url: created.url,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/** Runs one statement on the server as the admin connection (creating and dropping databases). */
async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A new, empty PostgreSQL database on the server `adminUrl` names (not migrated: the app or the
 * caller does that): its URL and name, and `drop`, which ends its connections and removes it.
 */
export async function createPostgresDatabase(adminUrl: string, namePrefix = 'mlops_test'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${namePrefix}_${randomBytes(5).toString('hex')}`;
  await asAdmin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => asAdmin(adminUrl, `drop database if exists ${name} with (force)`) };
}

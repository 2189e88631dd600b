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
  const name = `${opts.namePrefix ?? 'mlops_test'}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(opts.connectThrough ? opts.connectThrough(url.toString()) : url.toString(), opts.poolSize ?? 10);
  await db.migrate();
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

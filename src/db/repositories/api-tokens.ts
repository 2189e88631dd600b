import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { apiTokens, projects } from '../schema/index.js';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function insertApiToken(
  db: Db,
  t: { teamId: string; projectId: number; publicId: string; tokenHash: string; createdBy: string; now: Date; name?: string | null; expiresAt?: Date | null },
): Promise<ApiTokenRow> {
  const [row] = await db
    .insert(apiTokens)
    .values({ teamId: t.teamId, projectId: t.projectId, publicId: t.publicId, tokenHash: t.tokenHash, createdBy: t.createdBy, createdAt: t.now, name: t.name ?? null, expiresAt: t.expiresAt ?? null })
    .returning();
  return row!;
}

const liveTokenQuery = (db: Db) =>
  db
    .select({ token: apiTokens, project: projects })
    .from(apiTokens)
    .innerJoin(projects, and(eq(projects.id, apiTokens.projectId), eq(projects.teamId, apiTokens.teamId)))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
    .prepare('find_live_token');

/**
 * Built once per database: every API request asks this, and building the query (and having
 * PostgreSQL parse and plan it) cost more than running it. A named statement, prepared once per
 * connection. Nothing about the token is cached: a revocation counts from the next request.
 */
const liveTokenQueries = new WeakMap<Db, ReturnType<typeof liveTokenQuery>>();

/** The live (unrevoked) token with this hash, with its project (in the token's own workspace). */
export async function findLiveToken(db: Db, tokenHash: string): Promise<{ token: ApiTokenRow; project: typeof projects.$inferSelect } | undefined> {
  let query = liveTokenQueries.get(db);
  if (!query) {
    query = liveTokenQuery(db);
    liveTokenQueries.set(db, query);
  }
  const [row] = await query.execute({ hash: tokenHash });
  return row;
}

export async function listTokens(db: Db, teamId: string, projectId: number): Promise<ApiTokenRow[]> {
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, teamId), eq(apiTokens.projectId, projectId)))
    .orderBy(desc(apiTokens.id));
}

export async function findToken(db: Db, teamId: string, projectId: number, publicId: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, teamId), eq(apiTokens.projectId, projectId), eq(apiTokens.publicId, publicId)));
  return row;
}

/** Compare-and-set: only a live token is revoked, so two revocations record one. */
export async function revokeToken(db: Db, teamId: string, tokenId: number, by: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now, revokedBy: by })
    .where(and(eq(apiTokens.teamId, teamId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Records a token's use; the caller throttles, and the condition keeps the time from going back. */
export async function touchToken(db: Db, tokenId: number, now: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now))));
}

/** The project's live (unrevoked) token of that name, if any: names are unique among live tokens. */
export async function findLiveTokenByName(db: Db, teamId: string, projectId: number, name: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, teamId), eq(apiTokens.projectId, projectId), eq(apiTokens.name, name), isNull(apiTokens.revokedAt)));
  return row;
}

/** Name and public id of tokens by public id, for showing who sent runs and batches. */
export async function tokensByPublicId(db: Db, teamId: string, publicIds: readonly string[]): Promise<Map<string, Pick<ApiTokenRow, 'publicId' | 'name'>>> {
  if (publicIds.length === 0) return new Map();
  const rows = await db
    .select({ publicId: apiTokens.publicId, name: apiTokens.name })
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, teamId), inArray(apiTokens.publicId, [...new Set(publicIds)])));
  return new Map(rows.map((r) => [r.publicId, r]));
}

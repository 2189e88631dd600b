import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { createProject, type ProjectRow } from '../../src/db/repositories/projects.js';
import { projects } from '../../src/db/schema/index.js';
import type { SuccessMetric } from '../../src/domain/metrics/success-metric.js';
import type { Harness } from './harness.js';

/** A project as intake would leave it: in `phase`, with a brief holding these success metrics (none: no brief). */
export async function projectWithTargets(
  db: Db,
  p: { teamId: string; slug: string; channelId: string; ownerId: string; now: Date; targets?: SuccessMetric[]; phase?: ProjectRow['phase'] },
): Promise<ProjectRow> {
  const row = await createProject(db, { ...p, brief: p.targets ? { problem: 'Churn', successMetrics: p.targets } : null });
  if (!row) throw new Error(`slug ${p.slug} taken`);
  if (p.phase && p.phase !== 'design') {
    const [updated] = await db.update(projects).set({ phase: p.phase }).where(eq(projects.id, row.id)).returning();
    return updated!;
  }
  return row;
}

/** Creates an API token through `/mlops token <slug>` and reads it from the ephemeral answer. */
export async function tokenFor(h: Harness, user: string, channel: string, slug: string): Promise<{ token: string; id: string }> {
  const res = await h.people.command(user, channel, `token ${slug}`);
  const text = (res.body as { text: string }).text;
  const m = /(mlops_([a-z0-9]{10})_[A-Za-z0-9_-]{43})/.exec(text);
  if (!m) throw new Error(`no token in: ${text}`);
  return { token: m[1]!, id: m[2]! };
}

export function api(h: Harness) {
  return async (method: 'GET' | 'POST', path: string, opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
    if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${h.app.url}/api/v1${path}`, { method, headers, body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json: json as Record<string, unknown> & { field?: string; error?: string; message?: string }, headers: res.headers };
  };
}

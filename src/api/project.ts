import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { BriefDraft } from '../domain/intake/brief.js';
import { PHASES } from '../domain/lifecycle.js';
import { projectReport } from '../services/projects/project-report.js';
import { authorizeProject, handle } from './auth.js';
import { API_OPERATIONS } from './openapi.js';

const Phase = z.enum(PHASES);

/** GET /projects/{slug}: what `/mlops status <slug>` shows, as JSON. Every number comes from the database. */
export const ProjectStatusOut = z.object({
  slug: z.string(),
  phase: Phase,
  owner: z.string().describe('Slack user id'),
  channel: z.string().describe('Slack channel id'),
  brief: BriefDraft.nullable().describe('The design brief as far as intake has filled it'),
  targets: z.array(
    z.object({
      name: z.string(),
      direction: z.enum(['maximize', 'minimize']),
      target: z.number(),
      best: z.number().nullable().describe('The best value any run reported; null before one does'),
      bestRunId: z.number().int().nullable(),
      met: z.boolean().nullable(),
    }),
  ),
  lastRunAt: z.string().nullable().describe('ISO 8601'),
  openGates: z.array(z.object({ id: z.number().int(), from: Phase, to: Phase, question: z.string(), deadline: z.string(), anonymous: z.boolean(), voters: z.number().int(), quorum: z.number().int() })),
  phaseHistory: z.array(z.object({ from: Phase.nullable(), to: Phase, via: z.enum(['created', 'gate', 'override']), at: z.string() })),
});
export type ProjectStatusOut = z.infer<typeof ProjectStatusOut>;

export function projectApi(deps: Deps): Router {
  const r = Router();
  r.get(
    '/projects/:slug',
    handle(async (req, res) => {
      const { project } = await authorizeProject(deps, req);
      const report = await projectReport(deps, project);
      const body: ProjectStatusOut = {
        slug: project.slug,
        phase: project.phase,
        owner: project.ownerId,
        channel: project.channelId,
        brief: report.brief,
        targets: report.targets.map(({ metric: m, best, met }) => ({ name: m.name, direction: m.direction, target: m.target, best: best?.value ?? null, bestRunId: best?.runId ?? null, met })),
        lastRunAt: report.lastRunAt?.toISOString() ?? null,
        openGates: report.openGates.map((g) => ({ id: g.id, from: g.fromPhase, to: g.toPhase, question: g.question, deadline: g.deadline.toISOString(), anonymous: g.anonymous, voters: g.voters.length, quorum: g.quorum })),
        phaseHistory: report.history.map((h) => ({ from: h.fromPhase, to: h.toPhase, via: h.via, at: h.at.toISOString() })),
      };
      res.json(body);
    }),
  );
  return r;
}

if (!API_OPERATIONS.some((op) => op.path === '/projects/{slug}')) {
  API_OPERATIONS.push({
    method: 'get',
    path: '/projects/{slug}',
    summary: "The project's status: phase, brief, best value per success metric, open gates, phase history",
    tag: 'projects',
    responses: {
      '200': { description: 'The status', schema: { name: 'ProjectStatus', schema: ProjectStatusOut } },
      '401': { description: 'Missing or invalid token' },
      '403': { description: 'The token belongs to another project' },
    },
  });
}

import type { Deps } from '../../deps.js';
import { findProject, findProjectById, type ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay, type ProjectAction } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';

export type { ProjectRow };
import { parseSlug } from '../../domain/projects/slug.js';

/** The one wording of "no such project", wherever a slug is looked up. */
export const unknownProject = (slug: string) =>
  new DomainError('unknown_project', `There is no project \`${slug}\` in this workspace. \`/mlops status\` lists the projects in this channel.`);

/** The project with this slug in this workspace, or a DomainError that says so (the slug is checked first). */
export async function requireProject(deps: Pick<Deps, 'db'>, teamId: string, slugText: string | undefined): Promise<ProjectRow> {
  const slug = parseSlug(slugText);
  const project = await findProject(deps.db, teamId, slug);
  if (!project) throw unknownProject(slug);
  return project;
}

/** A project named by id in a button or modal; gone projects are a DomainError, not a crash. */
export async function requireProjectById(deps: Pick<Deps, 'db'>, teamId: string, id: number): Promise<ProjectRow> {
  const project = await findProjectById(deps.db, teamId, id);
  if (!project) throw new DomainError('unknown_project', 'That project no longer exists.');
  return project;
}

/** The project, if this actor may do `action` on it; otherwise the refusal that says who may. */
export async function requireProjectFor(deps: Pick<Deps, 'db'>, teamId: string, slugText: string | undefined, action: ProjectAction, actor: Actor): Promise<ProjectRow> {
  const project = await requireProject(deps, teamId, slugText);
  assertMay(action, actor, project);
  return project;
}

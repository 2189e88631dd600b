import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../deps.js';
import type { ProjectRow } from '../services/projects/find-project.js';
import { authenticateToken } from '../services/tokens/authenticate.js';
import { ApiError } from './errors.js';

export interface ApiCaller {
  tokenPublicId: string;
  /** The token's name (`github-actions`), null for a token without one. */
  tokenName: string | null;
  project: ProjectRow;
}

/**
 * Resolves `Authorization: Bearer <project token>` and the `:slug` of the route. A missing,
 * malformed, unknown or revoked token is 401; a live token used for any other project — in its own
 * workspace or another — is 403, without saying whether that project exists. The project comes
 * from the token's own row (same workspace), so nothing outside it is ever read.
 */
export async function authorizeProject(deps: Deps, req: Request): Promise<ApiCaller> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, 'unauthorized', 'Send a project token: Authorization: Bearer mlops_… (create one with /mlops token <slug>).');
  const found = await authenticateToken(deps, match[1]!);
  if (found.kind === 'expired') throw new ApiError(401, 'token_expired', `That token expired on ${found.expiredAt.toISOString().slice(0, 10)}; make a new one with /mlops token <slug> --name <name>.`);
  if (found.kind !== 'ok') throw new ApiError(401, 'unauthorized', 'That token is not valid (it may have been revoked).');
  const slug = String(req.params.slug ?? '');
  // The token names its one project; any other slug is refused before anything else is looked up.
  if (slug !== found.project.slug) throw new ApiError(403, 'forbidden', `This token belongs to another project; it cannot access "${slug.slice(0, 40)}".`);
  return { tokenPublicId: found.publicId, tokenName: found.name, project: found.project };
}

/** Express 5 forwards rejected promises to the error handler; this keeps handlers typed as async. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch(next);
  };

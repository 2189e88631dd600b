import type { ProjectRow } from '../../db/repositories/projects.js';
import { DomainError } from '../../domain/errors.js';

export const tokensRefusal = (project: ProjectRow) =>
  new DomainError(
    'not_allowed',
    `API tokens of *${project.slug}* are managed in its channel <#${project.channelId}>, or by its owner (<@${project.ownerId}>) and stakeholders: a token reads every run of the project.`,
  );

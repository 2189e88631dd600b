import { DomainError } from '../errors.js';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;

/** A project slug: lowercase letters, digits and dashes, 2–40 characters, no leading or trailing dash. */
export function parseSlug(text: string | undefined): string {
  const slug = (text ?? '').trim();
  if (!slug) throw new DomainError('missing_slug', 'Name the project by its slug, e.g. `churn-model`.');
  if (!SLUG_PATTERN.test(slug)) {
    throw new DomainError('invalid_slug', `"${slug.slice(0, 60)}" is not a valid project slug: use 2–40 lowercase letters, digits and dashes, e.g. \`churn-model\`.`);
  }
  return slug;
}

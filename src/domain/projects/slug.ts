import { DomainError } from '../errors.js';
import { unsafeCharacterProblem } from '../text/unsafe-characters.js';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;

const HOW = 'use 2–40 lowercase letters, digits and dashes, e.g. `churn-model`.';

/** A project slug: lowercase letters, digits and dashes, 2–40 characters, no leading or trailing dash. */
export function parseSlug(text: string | undefined): string {
  const slug = (text ?? '').trim();
  if (!slug) throw new DomainError('missing_slug', 'Name the project by its slug, e.g. `churn-model`.');
  // Said first and without echoing the text: an invisible or direction character would hide
  // itself, or turn the quoted slug around, in the very message that refuses it.
  const unsafe = unsafeCharacterProblem(slug);
  if (unsafe) throw new DomainError('invalid_slug', `That project slug ${unsafe}: ${HOW}`);
  if (!SLUG_PATTERN.test(slug)) {
    throw new DomainError('invalid_slug', `"${slug.slice(0, 60)}" is not a valid project slug: ${HOW}`);
  }
  return slug;
}

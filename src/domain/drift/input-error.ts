import type { z } from 'zod';
import { DomainError } from '../errors.js';

/**
 * Why a drift upload was refused. The codes are the API's error codes; the HTTP edge maps them to
 * statuses (too_large 413, unsupported_media_type 415, no_reference 409, busy 503, the rest 400).
 * `field` names what to fix: a dotted path (`features.age`), `body`, a header or a query parameter.
 * It crosses the worker-thread boundary as plain data (`toJSON`/`fromJSON`), since an Error
 * subclass does not survive structured cloning.
 */
export type DriftInputCode = 'invalid_request' | 'invalid_json' | 'invalid_csv' | 'invalid_encoding' | 'too_large' | 'unsupported_media_type' | 'no_reference' | 'busy';

export interface DriftInputErrorData {
  code: DriftInputCode;
  message: string;
  field: string | null;
}

export class DriftInputError extends DomainError {
  constructor(
    override readonly code: DriftInputCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(code, message);
    this.name = 'DriftInputError';
  }

  toJSON(): DriftInputErrorData {
    return { code: this.code, message: this.message, field: this.field };
  }

  static fromJSON(d: DriftInputErrorData): DriftInputError {
    return new DriftInputError(d.code, d.message, d.field);
  }
}

/** Shows invisible and control characters of echoed input as \u{…}, and cuts it, so an error stays one readable line. */
export function printable(text: string, max = 80): string {
  const shown = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** The first zod issue as a 400 naming its field (`features.age`), the whole body being `body`. */
export function fromZodIssue(err: z.ZodError, root?: string): DriftInputError {
  const issue = err.issues[0];
  const path = issue?.path.map((p) => printable(String(p))) ?? [];
  // An unknown key is reported at its parent; name the key itself, since that is what to fix.
  if (issue?.code === 'unrecognized_keys') path.push(printable(issue.keys[0] ?? ''));
  const field = [root, ...path].filter(Boolean).join('.') || 'body';
  return new DriftInputError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, field);
}

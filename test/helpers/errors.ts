import { DomainError } from '../../src/domain/errors.js';

/**
 * Runs `fn` and returns the error of class `kind` (a DomainError by default) it throws, so a test
 * can check the code and the message together.
 */
export function errorOf<E extends Error = DomainError>(fn: () => unknown, kind: abstract new (...args: never[]) => E = DomainError as unknown as abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof kind) return e;
    throw e;
  }
  throw new Error(`expected a ${kind.name}`);
}

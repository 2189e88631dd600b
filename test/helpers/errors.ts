import { DomainError } from '../../src/domain/errors.js';

/** Runs `fn` and returns the DomainError it throws, so a test can check the code and the message together. */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

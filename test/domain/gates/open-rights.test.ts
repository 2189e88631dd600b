import { describe, expect, it } from 'vitest';
import { checkMayOpenGate } from '../../../src/domain/gates/open-rights.js';

const base = { ownerId: 'U0OWN', stakeholders: ['U0A', 'U0B', 'U0C'] };

describe('checkMayOpenGate', () => {
  it.each([
    ['the owner, with defaults', { actor: 'U0OWN' }],
    ['the owner, choosing voters and quorum', { actor: 'U0OWN', voters: ['U0OWN'], quorum: 1 }],
    ['a stakeholder, with defaults', { actor: 'U0A' }],
    ['a stakeholder naming the defaults explicitly', { actor: 'U0B', voters: ['U0C', 'U0A', 'U0B', 'U0A'], quorum: 2 }],
  ])('allows %s', (_, input) => {
    expect(() => checkMayOpenGate({ ...base, ...input })).not.toThrow();
  });

  it.each([
    ['a stranger', { actor: 'U0EVE' }, 'or a stakeholder named in its design brief'],
    ['a stranger choosing themselves', { actor: 'U0EVE', voters: ['U0EVE'], quorum: 1 }, 'or a stakeholder'],
    ['a stakeholder choosing voters', { actor: 'U0A', voters: ['U0A'] }, '(--voters)'],
    ['a stakeholder choosing a quorum', { actor: 'U0A', quorum: 1 }, '(--quorum)'],
    ['a stakeholder choosing both', { actor: 'U0A', voters: ['U0A', 'U0B'], quorum: 1 }, '(--voters and --quorum)'],
  ])('refuses %s', (_, input, message) => {
    expect(() => checkMayOpenGate({ ...base, ...input })).toThrow(message);
  });

  it('with no stakeholders in the brief only the owner may open a gate', () => {
    expect(() => checkMayOpenGate({ ownerId: 'U0OWN', stakeholders: [], actor: 'U0A' })).toThrow('Only the project owner (<@U0OWN>)');
  });
});

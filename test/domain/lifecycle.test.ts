import { describe, it, expect } from 'vitest';
import {
  PHASES,
  type Phase,
  assertTransition,
  isReachable,
  nextPhase,
  parsePhase,
  reachablePhases,
} from '../../src/domain/lifecycle.js';
import { errorOf } from '../helpers/errors.js';


describe('parsePhase', () => {
  it.each([
    ['design', 'design'],
    ['  Development ', 'development'],
    ['DEPLOYMENT', 'deployment'],
    ['retired', 'retired'],
  ])('parses %j as %s', (text, phase) => {
    expect(parsePhase(text)).toBe(phase);
  });

  it.each(['prod', '', 'deploy', 'design!'])('refuses %j and lists the phases', (text) => {
    const e = errorOf(() => parsePhase(text));
    expect(e.code).toBe('unknown_phase');
    expect(e.message).toContain('design, development, deployment or retired');
  });
});

describe('nextPhase', () => {
  it.each<[Phase, Phase | null]>([
    ['design', 'development'],
    ['development', 'deployment'],
    ['deployment', 'retired'],
    ['retired', null],
  ])('%s -> %s', (from, to) => {
    expect(nextPhase(from)).toBe(to);
  });
});

// Every ordered pair, so a change to the rules shows up as a specific failing row.
const REACHABLE: Record<Phase, Phase[]> = {
  design: ['development', 'retired'],
  development: ['deployment', 'design', 'retired'],
  deployment: ['retired', 'development', 'design'],
  retired: [],
};

describe('isReachable / assertTransition', () => {
  const pairs = PHASES.flatMap((from) => PHASES.map((to) => [from, to, REACHABLE[from].includes(to)] as const));

  it('covers all 16 ordered pairs', () => {
    expect(pairs).toHaveLength(16);
  });

  it.each(pairs)('%s -> %s reachable: %s', (from, to, ok) => {
    expect(isReachable(from, to)).toBe(ok);
    if (ok) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(errorOf(() => assertTransition(from, to)).code).toBe('unreachable_phase');
  });

  it('lists reachable phases, next first then loop-backs nearest first', () => {
    expect(reachablePhases('deployment')).toEqual(['retired', 'development', 'design']);
    expect(reachablePhases('development')).toEqual(['deployment', 'design', 'retired']);
  });

  it('explains where the project can go', () => {
    expect(errorOf(() => assertTransition('development', 'development')).message).toBe(
      'A project in development can move to deployment, design or retired, not to development.',
    );
    expect(errorOf(() => assertTransition('design', 'deployment')).message).toBe(
      'A project in design can move to development or retired, not to deployment.',
    );
    expect(errorOf(() => assertTransition('retired', 'design')).message).toMatch(/retired; it cannot move/);
  });
});

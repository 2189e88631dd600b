import { describe, it, expect } from 'vitest';
import {
  type Ballot,
  type Outcome,
  Vote,
  decideOutcome,
  defaultQuorum,
  isSuperseded,
  reminderTimes,
  shouldCloseEarly,
  tally,
  validateGateOptions,
} from '../../../src/domain/gates/rules.js';
import type { Phase } from '../../../src/shared/enums.js';
import { errorOf } from '../../helpers/errors.js';

const H = 3_600_000;

function ballots(spec: string): Ballot[] {
  // "g n a" -> go, no_go, abstain from voters U0, U1, U2…
  const map: Record<string, Ballot['vote']> = { g: 'go', n: 'no_go', a: 'abstain' };
  return spec
    .split(' ')
    .filter(Boolean)
    .map((c, i) => ({ voter: `U${i}`, vote: map[c]! }));
}


describe('Vote schema', () => {
  it('accepts the three votes and nothing else', () => {
    expect(Vote.options).toEqual(['go', 'no_go', 'abstain']);
    expect(Vote.safeParse('no-go').success).toBe(false);
  });
});

describe('tally', () => {
  it.each([
    ['', { go: 0, noGo: 0, abstain: 0, total: 0 }],
    ['g g n', { go: 2, noGo: 1, abstain: 0, total: 3 }],
    ['a a a', { go: 0, noGo: 0, abstain: 3, total: 3 }],
    ['g n a g', { go: 2, noGo: 1, abstain: 1, total: 4 }],
  ])('%j', (spec, expected) => {
    expect(tally(ballots(spec))).toEqual(expected);
  });

  it('counts only the latest ballot of a voter who changed their vote', () => {
    const t = tally([
      { voter: 'U1', vote: 'go' },
      { voter: 'U2', vote: 'go' },
      { voter: 'U1', vote: 'no_go', reason: 'changed my mind' },
    ]);
    expect(t).toEqual({ go: 1, noGo: 1, abstain: 0, total: 2 });
  });
});

describe('defaultQuorum', () => {
  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [10, 6],
  ])('%i voters -> %i', (n, q) => {
    expect(defaultQuorum(n)).toBe(q);
  });
});

describe('decideOutcome', () => {
  it.each<[string, string, number, Outcome]>([
    ['majority go', 'g g n', 2, 'go'],
    ['majority no-go', 'g n n', 2, 'no_go'],
    ['tie is no-go', 'g n', 2, 'no_go'],
    ['tie with abstain is no-go', 'g n a', 3, 'no_go'],
    ['all abstain is no-go', 'a a a', 3, 'no_go'],
    ['exactly quorum', 'g g', 2, 'go'],
    ['one short of quorum', 'g g', 3, 'no_quorum'],
    ['abstains make quorum', 'g a a', 3, 'go'],
    ['abstains make quorum, no-go wins', 'n a a', 3, 'no_go'],
    ['no ballots', '', 1, 'no_quorum'],
    ['single go beats abstains', 'g a a a', 2, 'go'],
  ])('%s', (_name, spec, quorum, outcome) => {
    expect(decideOutcome(tally(ballots(spec)), quorum)).toBe(outcome);
  });
});

// The rule services/gates/cast-vote.ts afterVote applies after every committed vote.
describe('shouldCloseEarly', () => {
  it.each<[string, string[], string[], boolean]>([
    ['all voted', ['A', 'B'], ['B', 'A'], true],
    ['one missing', ['A', 'B', 'C'], ['A', 'B'], false],
    ['a vote from outside does not fill a seat', ['A', 'B'], ['A', 'X'], false],
    ['nobody voted', ['A'], [], false],
    ['no eligible voters waits for the deadline', [], [], false],
  ])('%s', (_name, eligible, voted, expected) => {
    expect(shouldCloseEarly(eligible, voted)).toBe(expected);
  });
});

describe('isSuperseded', () => {
  it.each<[Phase, Phase, boolean]>([
    ['design', 'design', false],
    ['design', 'development', true],
    ['development', 'retired', true],
    ['deployment', 'design', true],
  ])('a gate from %s on a project in %s: %s', (from, phase, expected) => {
    expect(isSuperseded({ fromPhase: from }, phase)).toBe(expected);
  });
});

describe('reminderTimes', () => {
  const opened = new Date('2026-06-01T12:00:00Z');
  const after = (ms: number) => new Date(opened.getTime() + ms);

  it.each<[string, number, number[]]>([
    ['48h gate: both reminders', 48 * H, [24 * H, 47 * H]],
    ['exactly 24h gate: only the 1h reminder', 24 * H, [23 * H]],
    ['12h gate: only the 1h reminder', 12 * H, [11 * H]],
    ['exactly 1h gate: none', H, []],
    ['30 min gate: none', H / 2, []],
  ])('%s', (_name, deadlineIn, expectedOffsets) => {
    expect(reminderTimes(opened, after(deadlineIn))).toEqual(expectedOffsets.map(after));
  });
});

describe('validateGateOptions', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const deadline = new Date('2026-06-03T12:00:00Z');

  it('defaults the quorum to a strict majority of distinct voters', () => {
    expect(validateGateOptions({ voters: ['A', 'B', 'C', 'D'], deadline, now })).toEqual({ quorum: 3 });
    expect(validateGateOptions({ voters: ['A', 'A', 'B'], deadline, now })).toEqual({ quorum: 2 });
  });

  it('keeps an explicit quorum up to the number of voters', () => {
    expect(validateGateOptions({ voters: ['A', 'B', 'C'], quorum: 3, deadline, now })).toEqual({ quorum: 3 });
    expect(validateGateOptions({ voters: ['A', 'B', 'C'], quorum: 1, deadline, now })).toEqual({ quorum: 1 });
  });

  it.each<[string, Parameters<typeof validateGateOptions>[0], string, string?]>([
    ['no voters', { voters: [], deadline, now }, 'no_voters'],
    [
      'quorum too large',
      { voters: ['A', 'B', 'C'], quorum: 5, deadline, now },
      'quorum_too_large',
      'Quorum 5 is larger than the 3 eligible voters.',
    ],
    [
      'quorum too large, one voter',
      { voters: ['A'], quorum: 2, deadline, now },
      'quorum_too_large',
      'Quorum 2 is larger than the 1 eligible voter.',
    ],
    ['quorum zero', { voters: ['A'], quorum: 0, deadline, now }, 'invalid_quorum'],
    ['quorum negative', { voters: ['A'], quorum: -1, deadline, now }, 'invalid_quorum'],
    ['quorum fractional', { voters: ['A', 'B'], quorum: 1.5, deadline, now }, 'invalid_quorum'],
    ['deadline now', { voters: ['A'], deadline: now, now }, 'deadline_in_past'],
    ['deadline past', { voters: ['A'], deadline: new Date(now.getTime() - 1), now }, 'deadline_in_past'],
  ])('refuses %s', (_name, input, code, message) => {
    const e = errorOf(() => validateGateOptions(input));
    expect(e.code).toBe(code);
    if (message) expect(e.message).toBe(message);
  });
});

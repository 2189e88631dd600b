import { describe, it, expect } from 'vitest';
import { type BallotInput, MAX_REASON_CHARS, checkBallot } from '../../../src/domain/gates/vote-check.js';
import { errorOf } from '../../helpers/errors.js';

const base: BallotInput = { gateStatus: 'open', eligible: ['U1', 'U2'], voter: 'U1', vote: 'go', reason: null };


describe('checkBallot: accepted', () => {
  it.each<[string, Partial<BallotInput>, { vote: string; reason: string | null }]>([
    ['go without reason', { vote: 'go' }, { vote: 'go', reason: null }],
    ['abstain without reason', { vote: 'abstain', reason: undefined }, { vote: 'abstain', reason: null }],
    ['go with blank reason', { vote: 'go', reason: '   ' }, { vote: 'go', reason: null }],
    ['no-go with reason, trimmed', { vote: 'no_go', reason: '  AUC below target \n' }, { vote: 'no_go', reason: 'AUC below target' }],
    ['reason at the limit', { vote: 'no_go', reason: 'x'.repeat(MAX_REASON_CHARS) }, { vote: 'no_go', reason: 'x'.repeat(MAX_REASON_CHARS) }],
    // 2000 emoji are 4000 UTF-16 units but 2000 characters to the voter.
    ['emoji count as one character', { vote: 'no_go', reason: '🙂'.repeat(MAX_REASON_CHARS) }, { vote: 'no_go', reason: '🙂'.repeat(MAX_REASON_CHARS) }],
  ])('%s', (_name, patch, expected) => {
    expect(checkBallot({ ...base, ...patch })).toEqual({ voter: 'U1', ...expected });
  });
});

describe('checkBallot: refused', () => {
  it.each<[string, Partial<BallotInput>, string, string?]>([
    [
      'voter not eligible',
      { voter: 'U9' },
      'not_eligible',
      'You are not an eligible voter on this gate. Voters: <@U1>, <@U2>.',
    ],
    [
      'closed with outcome',
      { gateStatus: 'closed', outcome: 'go' },
      'gate_closed',
      'This gate closed with outcome GO; votes are no longer accepted.',
    ],
    [
      'closed with no quorum',
      { gateStatus: 'closed', outcome: 'no_quorum' },
      'gate_closed',
      'This gate closed with outcome NO QUORUM; votes are no longer accepted.',
    ],
    [
      'closed without a decision',
      { gateStatus: 'closed', outcome: 'superseded' },
      'gate_closed',
      'This gate closed without a decision (the project moved to another phase first); votes are no longer accepted.',
    ],
    ['closed, outcome unknown', { gateStatus: 'closed' }, 'gate_closed', 'This gate closed; votes are no longer accepted.'],
    ['cancelled', { gateStatus: 'cancelled' }, 'gate_closed', 'This gate was cancelled; votes are no longer accepted.'],
    ['closed beats ineligible', { gateStatus: 'closed', voter: 'U9', outcome: 'no_go' }, 'gate_closed'],
    ['no-go without reason', { vote: 'no_go', reason: null }, 'reason_required'],
    ['no-go with blank reason', { vote: 'no_go', reason: ' \n\t ' }, 'reason_required'],
    ['no-go reason too long', { vote: 'no_go', reason: 'x'.repeat(MAX_REASON_CHARS + 1) }, 'reason_too_long'],
    ['go reason too long', { vote: 'go', reason: 'x'.repeat(MAX_REASON_CHARS + 1) }, 'reason_too_long'],
  ])('%s', (_name, patch, code, message) => {
    const e = errorOf(() => checkBallot({ ...base, ...patch }));
    expect(e.code).toBe(code);
    if (message) expect(e.message).toBe(message);
  });
});

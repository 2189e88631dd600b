import { DomainError } from '../errors.js';
import type { GateOutcome } from '../../shared/enums.js';
import type { Ballot, Vote } from './rules.js';

export type GateStatus = 'open' | 'closed' | 'cancelled';

/** Long enough for a real argument, short enough to fit a Slack message section. */
export const MAX_REASON_CHARS = 2000;

export interface BallotInput {
  gateStatus: GateStatus;
  eligible: readonly string[];
  voter: string;
  vote: Vote;
  reason?: string | null;
  /** The closed gate's outcome, named in the refusal when known. */
  outcome?: GateOutcome | null;
}

const CLOSED_HOW: Record<GateOutcome, string> = {
  go: ' with outcome GO',
  no_go: ' with outcome NO-GO',
  no_quorum: ' with outcome NO QUORUM',
  superseded: ' without a decision (the project moved to another phase first)',
};

/**
 * Checks a ballot and normalizes it: the reason is trimmed, an empty one becomes null.
 * Gate status is checked first, so voters on a closed gate learn it closed, not that they
 * were ineligible.
 */
export function checkBallot(input: BallotInput): Required<Ballot> {
  if (input.gateStatus === 'cancelled') {
    throw new DomainError('gate_closed', 'This gate was cancelled; votes are no longer accepted.');
  }
  if (input.gateStatus === 'closed') {
    const how = input.outcome ? CLOSED_HOW[input.outcome] : '';
    throw new DomainError('gate_closed', `This gate closed${how}; votes are no longer accepted.`);
  }
  if (!input.eligible.includes(input.voter)) {
    const list = input.eligible.map((u) => `<@${u}>`).join(', ');
    throw new DomainError(
      'not_eligible',
      list ? `You are not an eligible voter on this gate. Voters: ${list}.` : 'You are not an eligible voter on this gate.',
    );
  }
  const reason = input.reason?.trim() || null;
  if (input.vote === 'no_go' && reason === null) {
    throw new DomainError('reason_required', 'A No-go vote needs a reason: say what would have to change.');
  }
  // Counted in code points so an emoji is one character, as the voter sees it.
  if (reason !== null && Array.from(reason).length > MAX_REASON_CHARS) {
    throw new DomainError(
      'reason_too_long',
      `The reason is ${Array.from(reason).length} characters long; the limit is ${MAX_REASON_CHARS}.`,
    );
  }
  return { voter: input.voter, vote: input.vote, reason };
}

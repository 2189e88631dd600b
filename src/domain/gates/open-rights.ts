import { DomainError } from '../errors.js';
import { defaultQuorum } from './rules.js';

export interface OpenRightsInput {
  /** Who asks to open the gate. */
  actor: string;
  ownerId: string;
  /** The design brief's stakeholders: the default voters. */
  stakeholders: readonly string[];
  /** Voters named explicitly (`--voters`); absent means the default. */
  voters?: readonly string[] | null;
  /** A quorum named explicitly (`--quorum`); absent means the default majority. */
  quorum?: number | null;
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((u) => y.has(u));
};

/**
 * Who may open a gate. A gate is how a project changes phase (PRODUCT.md §1), so whoever chooses
 * the electorate chooses the outcome: a stranger naming themselves the only voter with quorum 1
 * could retire any project. Hence the owner may open any gate (their override is recorded as
 * theirs), a stakeholder only with the defaults — the brief's stakeholders vote, majority quorum —
 * and nobody else at all. Passing the defaults explicitly is not an override.
 */
export function checkMayOpenGate(input: OpenRightsInput): void {
  if (input.actor === input.ownerId) return;
  const owner = `<@${input.ownerId}>`;
  if (!input.stakeholders.includes(input.actor)) {
    throw new DomainError('not_allowed', `Only the project owner (${owner}) or a stakeholder named in its design brief can open a gate on this project.`);
  }
  const customVoters = !!input.voters?.length && !sameSet(input.voters, input.stakeholders);
  const customQuorum = input.quorum != null && input.quorum !== defaultQuorum(new Set(input.stakeholders).size);
  if (customVoters || customQuorum) {
    const what = customVoters && customQuorum ? '--voters and --quorum' : customVoters ? '--voters' : '--quorum';
    throw new DomainError(
      'not_allowed',
      `Only the project owner (${owner}) can choose the voters or the quorum (${what}). As a stakeholder you can open this gate with the defaults: the brief's stakeholders vote, majority quorum.`,
    );
  }
}

/**
 * The electorate of a new gate: the voters named (only the owner may name them), or the brief's
 * stakeholders. Retiring ends a project for good, so a gate towards `retired` always has the owner
 * among its voters (PRODUCT §2): added to the default list, and required in a named one — which
 * closes the way a stakeholder could otherwise retire a project alone.
 */
export function gateVoters(input: { toPhase: string; ownerId: string; stakeholders: readonly string[]; voters?: readonly string[] | null }): string[] {
  const named = input.voters?.length ? input.voters : null;
  const voters = [...new Set(named ?? input.stakeholders)];
  if (input.toPhase !== 'retired' || voters.includes(input.ownerId)) return voters;
  if (named) {
    throw new DomainError('owner_must_vote', `A gate towards retired needs the project owner (<@${input.ownerId}>) among its voters; add them to --voters.`);
  }
  return [...voters, input.ownerId];
}

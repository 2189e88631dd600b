import { DomainError } from './errors.js';

import { type Phase, PHASES } from '../shared/enums.js';

export { type Phase, PHASES };

const rank = (p: Phase): number => PHASES.indexOf(p);

/** "a", "a or b", "a, b or c": the lists appear in sentences shown to users. */
function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function isPhase(text: string): text is Phase {
  return (PHASES as readonly string[]).includes(text);
}

/** Case- and whitespace-tolerant, since phases are typed by people in `/mlops gate --to`. */
export function parsePhase(text: string): Phase {
  const t = text.trim().toLowerCase();
  if (isPhase(t)) return t;
  throw new DomainError(
    'unknown_phase',
    `"${text.trim()}" is not a phase. The phases are ${orList(PHASES)}.`,
  );
}

/**
 * The phase a GO outcome moves to when no target is named. Deployment's next is retired
 * (the natural end of a deployed model); retired is terminal.
 */
export function nextPhase(p: Phase): Phase | null {
  return PHASES[rank(p) + 1] ?? null;
}

/**
 * Where a project may go from `from`, most likely first: the next phase, then earlier phases
 * nearest first (looping back), then retired (a continue/stop gate). Retired is terminal:
 * reviving a retired project is not a gate decision, so nothing is reachable from it.
 */
export function reachablePhases(from: Phase): Phase[] {
  if (from === 'retired') return [];
  const out: Phase[] = [];
  const next = nextPhase(from);
  if (next) out.push(next);
  for (let i = rank(from) - 1; i >= 0; i--) out.push(PHASES[i]!);
  if (!out.includes('retired')) out.push('retired');
  return out;
}

export function isReachable(from: Phase, to: Phase): boolean {
  return reachablePhases(from).includes(to);
}

export function assertTransition(from: Phase, to: Phase): void {
  if (isReachable(from, to)) return;
  if (from === 'retired') {
    throw new DomainError(
      'unreachable_phase',
      'This project is retired; it cannot move to another phase.',
    );
  }
  throw new DomainError(
    'unreachable_phase',
    `A project in ${from} can move to ${orList(reachablePhases(from))}, not to ${to}.`,
  );
}

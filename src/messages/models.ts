import type { Phase } from '../shared/enums.js';

/**
 * The shapes message builders read. They are structural: a verb passes its database rows as they
 * are, and the builders never import the database layer, so a message can be built (and tested)
 * from plain data.
 */

export interface ProjectView {
  slug: string;
  phase: Phase;
  ownerId: string;
  channelId: string;
}

export interface PhaseChangeView {
  at: Date;
  fromPhase: Phase | null;
  toPhase: Phase;
  via: 'created' | 'gate' | 'override';
  actorId: string;
}

export interface RunView {
  id: number;
  name: string | null;
  params: Record<string, string>;
  createdAt: Date;
}

/** An open gate where this person may vote and has not yet (App Home). */
export interface GateAwaitingVote {
  slug: string;
  fromPhase: string;
  toPhase: string;
  question: string;
  channelId: string;
  deadline: Date;
}

import type { Vote } from '../domain/gates/rules.js';
import type { MetricDirection } from '../domain/metrics/success-metric.js';
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

/** An open gate where this person is a voter (App Home). */
export interface GateAwaitingVote {
  gateId: number;
  slug: string;
  fromPhase: Phase;
  toPhase: Phase;
  question: string;
  channelId: string;
  deadline: Date;
  anonymous: boolean;
  /** The gate message's link (chat.getPermalink); null until known. */
  permalink: string | null;
}

/** An open gate this person has voted on, with their ballot (App Home: changeable until close). */
export interface GateVoted extends GateAwaitingVote {
  vote: Vote;
}

/** A project on a person's App Home: its phase, and its primary success metric's best value against the target. */
export interface HomeProject extends ProjectView {
  /** The brief's first success metric; null (or absent) when the brief sets none. */
  primary?: { name: string; direction: MetricDirection; target: number; best: number | null; met: boolean | null } | null;
}

/** An open viability check-in this person has not answered (App Home). */
export interface CheckinAwaitingAnswer {
  checkinId: number;
  slug: string;
  channelId: string;
  closesAt: Date;
  permalink: string | null;
}

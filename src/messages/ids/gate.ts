import { z } from 'zod';
import { Vote } from '../../domain/gates/rules.js';

/** Action and callback ids of the gate message and the No-go modal, built and parsed in one place. */
export const GATE_VOTE_ACTION = /^gate\.vote\.(go|no_go|abstain)$/;
export const GATE_CLOSE_ACTION = 'gate.close';
export const GATE_CANCEL_ACTION = 'gate.cancel';
/** The owner's "⋯" menu on the gate message: Close now and Cancel gate, as `close:<gate id>` / `cancel:<gate id>`. */
export const GATE_OWNER_MENU_ACTION = 'gate.owner';
export const NOGO_CALLBACK = 'gate.nogo';
export const NOGO_REASON_BLOCK = 'reason';
export const NOGO_REASON_ACTION = 'reason';

export const voteActionId = (vote: Vote) => `gate.vote.${vote}`;

export function parseVoteAction(actionId: string): Vote | null {
  const m = GATE_VOTE_ACTION.exec(actionId);
  return m ? Vote.parse(m[1]) : null;
}

export type OwnerMenuChoice = 'close' | 'cancel';
export const ownerMenuValue = (what: OwnerMenuChoice, gateId: number) => `${what}:${gateId}`;

export function parseOwnerMenuValue(value: string): { what: OwnerMenuChoice; gateId: number } | null {
  const m = /^(close|cancel):(\d{1,15})$/.exec(value);
  return m ? { what: m[1] as OwnerMenuChoice, gateId: Number(m[2]) } : null;
}

/** Buttons carry the gate id as their value. */
export const GateIdValue = z.string().regex(/^\d{1,15}$/).transform(Number);

/**
 * What the No-go modal remembers between opening and submission: the gate, the channel to answer in,
 * and whether it was opened from the App Home (then the redrawn Home is the answer).
 */
export const NoGoMetadata = z.object({ gateId: z.number().int().positive(), channelId: z.string().min(1), fromHome: z.boolean().optional() });
export type NoGoMetadata = z.infer<typeof NoGoMetadata>;

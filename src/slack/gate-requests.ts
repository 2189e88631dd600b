import type { WebClient } from '@slack/web-api';
import type { Deps } from '../deps.js';
import type { Phase } from '../domain/lifecycle.js';

export interface GateRequest {
  teamId: string;
  projectId: number;
  /** Where the project should move; undefined = its next phase. */
  toPhase?: Phase;
  requestedBy: string;
  /** Why the gate is being asked for (shown with it), e.g. "Run rf-12 met every target". */
  reason?: string;
  /** The question shown on the gate; a default is derived from the transition. */
  question?: string;
}

export type GateRequestResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * The seam through which intake (Request design gate), experiments (Request deployment gate) and
 * viability escalation (continue/stop) open a go/no-go gate. It is `deps.requestGate`, chosen in the
 * composition root (src/app.ts).
 */
export type GateOpener = (deps: Deps, client: WebClient | null, req: GateRequest) => Promise<GateRequestResult>;

/** The opener used until the gates feature provides one. */
export const gatesUnavailable: GateOpener = async () => ({ ok: false, message: 'Go/no-go gates are not available yet in this version of MLOps Lifecycle.' });

import type { Deps } from '../../deps.js';
import { isDatabaseUnavailable } from '../../shared/database-unavailable.js';
import type { VoteInput, VoteResult } from './cast-vote.js';

/** One vote waiting to be written: `requestKey` is the click's `trigger:<id>`, recorded with the ballot. */
export interface PendingBallot {
  input: VoteInput;
  requestKey: string | null;
  now: Date;
}

/** Per ballot of a batch: the vote's result, null for a request seen before (nothing written), or why it was refused. */
export type BallotOutcome = { ok: true; value: VoteResult | null } | { ok: false; error: unknown };

/** Writes a batch of one gate's ballots in one transaction, one outcome per ballot in order; throws when the transaction failed. */
export type BallotWriter = (deps: Deps, batch: PendingBallot[]) => Promise<BallotOutcome[]>;

/** Bounds one statement's size; a burst larger than this is written in several transactions, one after the other. */
export const MAX_BALLOTS_PER_BATCH = 250;

interface Waiting {
  ballot: PendingBallot;
  resolve: (v: VoteResult | null) => void;
  reject: (err: unknown) => void;
}

interface GateQueue {
  waiting: Waiting[];
  flushing: boolean;
  /** Called once nothing is waiting or being written any more. */
  onIdle: (() => void)[];
}

// Per app (its deps), per gate: tests and replicas run several apps in one process.
const queues = new WeakMap<Deps, Map<string, GateQueue>>();

/**
 * Group commit: the votes on one gate that arrive while its previous batch is being written wait,
 * and are then written together — one transaction, one lock of the gate, one statement each for the
 * ballots, the audit entries and the request keys — instead of one transaction (and one pooled
 * connection) each. A vote alone is written at once; batches grow only as the database falls behind.
 * Each caller's promise settles after its batch committed, so an ack still means "counted".
 *
 * A batch holds at most one vote per person (one statement cannot upsert the same ballot twice); a
 * person's second click waits for the next batch, so the later click still wins. When a batch's
 * transaction fails, its votes are written one by one, so one bad ballot does not fail the others
 * (not when the database is unreachable: every vote would fail the same way).
 */
export function queueBallot(deps: Deps, ballot: PendingBallot, write: BallotWriter): Promise<VoteResult | null> {
  let byGate = queues.get(deps);
  if (!byGate) queues.set(deps, (byGate = new Map()));
  const key = `${ballot.input.teamId}:${ballot.input.gateId}`;
  let q = byGate.get(key);
  if (!q) byGate.set(key, (q = { waiting: [], flushing: false, onIdle: [] }));
  const queue = q;
  const settled = new Promise<VoteResult | null>((resolve, reject) => queue.waiting.push({ ballot, resolve, reject }));
  if (!queue.flushing) void flush(deps, byGate, key, queue, write);
  return settled;
}

async function flush(deps: Deps, byGate: Map<string, GateQueue>, key: string, q: GateQueue, write: BallotWriter): Promise<void> {
  q.flushing = true;
  try {
    while (q.waiting.length > 0) {
      const batch = takeBatch(q);
      const outcomes = await writeBatch(deps, batch, write);
      batch.forEach((w, i) => {
        const o = outcomes[i]!;
        if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    }
  } finally {
    q.flushing = false;
    if (q.waiting.length === 0) {
      byGate.delete(key);
      for (const f of q.onIdle.splice(0)) f();
    }
  }
}

/**
 * Resolves once no vote on this gate is waiting or being written in this process, or after `maxMs`.
 * Work that follows the acks (the message refresh, the close check, the confirmations) waits for the
 * burst of writes, so that it does not hold up the acks of the votes still coming in.
 */
export function ballotsSettled(deps: Deps, teamId: string, gateId: number, maxMs: number): Promise<void> {
  const q = queues.get(deps)?.get(`${teamId}:${gateId}`);
  if (!q) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      const i = q.onIdle.indexOf(done);
      if (i >= 0) q.onIdle.splice(i, 1);
      resolve();
    }, maxMs);
    q.onIdle.push(done);
  });
}

function takeBatch(q: GateQueue): Waiting[] {
  const batch: Waiting[] = [];
  const people = new Set<string>();
  const rest: Waiting[] = [];
  for (const w of q.waiting) {
    if (batch.length < MAX_BALLOTS_PER_BATCH && !people.has(w.ballot.input.userId)) {
      people.add(w.ballot.input.userId);
      batch.push(w);
    } else rest.push(w);
  }
  q.waiting = rest;
  return batch;
}

async function writeBatch(deps: Deps, batch: Waiting[], write: BallotWriter): Promise<BallotOutcome[]> {
  const ballots = batch.map((w) => w.ballot);
  try {
    return await write(deps, ballots);
  } catch (error) {
    if (ballots.length === 1 || isDatabaseUnavailable(error)) return ballots.map(() => ({ ok: false, error }));
  }
  const outcomes: BallotOutcome[] = [];
  for (const b of ballots) outcomes.push(await write(deps, [b]).then((o) => o[0]!, (error: unknown) => ({ ok: false as const, error })));
  return outcomes;
}

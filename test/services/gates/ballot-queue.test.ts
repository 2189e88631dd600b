import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/deps.js';
import { DomainError } from '../../../src/domain/errors.js';
import { ballotsSettled, type BallotWriter, type PendingBallot, queueBallot } from '../../../src/services/gates/ballot-queue.js';
import type { VoteGate } from '../../../src/db/repositories/gates.js';
import type { VoteResult } from '../../../src/services/gates/cast-vote.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const ballot = (userId: string, vote: 'go' | 'abstain' = 'go', gateId = 1): PendingBallot => ({ input: { teamId: 'T1', gateId, userId, vote }, requestKey: null, now: NOW });
const result = (b: PendingBallot): VoteResult => ({ result: 'cast', gate: { id: b.input.gateId } as VoteGate, followUp: `${b.input.userId}:${b.input.vote}` });

/** A writer that records each batch it was given, and fails a batch holding a ballot that `fails` picks. */
function recordingWriter(fails: (b: PendingBallot) => Error | null = () => null) {
  const batches: string[][] = [];
  const write: BallotWriter = async (_deps, batch) => {
    batches.push(batch.map((b) => `${b.input.userId}:${b.input.vote}`));
    await new Promise((r) => setTimeout(r, 5));
    const failure = batch.map(fails).find((e) => e !== null);
    if (failure) throw failure;
    return batch.map((b) => ({ ok: true, value: result(b) }));
  };
  return { batches, write };
}

describe('queueBallot (group commit of one gate\'s votes)', () => {
  it('writes a lone vote at once, and the votes arriving meanwhile together in the next batch', async () => {
    const deps = {} as Deps;
    const { batches, write } = recordingWriter();
    const first = queueBallot(deps, ballot('U1'), write);
    const rest = ['U2', 'U3', 'U4'].map((u) => queueBallot(deps, ballot(u), write));
    const out = await Promise.all([first, ...rest]);
    expect(batches).toEqual([['U1:go'], ['U2:go', 'U3:go', 'U4:go']]);
    expect(out.map((r) => r!.followUp)).toEqual(['U1:go', 'U2:go', 'U3:go', 'U4:go']);
  });

  it('puts one vote per person in a batch, so that a second click is written after the first', async () => {
    const deps = {} as Deps;
    const { batches, write } = recordingWriter();
    void queueBallot(deps, ballot('U0'), write);
    await Promise.all([queueBallot(deps, ballot('U1', 'go'), write), queueBallot(deps, ballot('U2'), write), queueBallot(deps, ballot('U1', 'abstain'), write)]);
    expect(batches).toEqual([['U0:go'], ['U1:go', 'U2:go'], ['U1:abstain']]);
  });

  it('keeps gates apart', async () => {
    const deps = {} as Deps;
    const { batches, write } = recordingWriter();
    await Promise.all([queueBallot(deps, ballot('U1', 'go', 1), write), queueBallot(deps, ballot('U1', 'go', 2), write)]);
    expect(batches).toEqual([['U1:go'], ['U1:go']]);
  });

  it('writes a failed batch again one vote at a time: one bad ballot fails alone', async () => {
    const deps = {} as Deps;
    const { batches, write } = recordingWriter((b) => (b.input.userId === 'U3' ? new Error('check constraint') : null));
    void queueBallot(deps, ballot('U0'), write);
    const out = await Promise.allSettled(['U2', 'U3', 'U4'].map((u) => queueBallot(deps, ballot(u), write)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches.slice(1)).toEqual([['U2:go', 'U3:go', 'U4:go'], ['U2:go'], ['U3:go'], ['U4:go']]);
  });

  it('does not retry one by one when the database is unreachable: every vote gets that error', async () => {
    const deps = {} as Deps;
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { batches, write } = recordingWriter(() => down);
    const out = await Promise.allSettled(['U1', 'U2', 'U3'].map((u) => queueBallot(deps, ballot(u), write)));
    expect(out.every((o) => o.status === 'rejected' && o.reason === down)).toBe(true);
    expect(batches).toEqual([['U1:go'], ['U2:go', 'U3:go']]);
  });

  it('passes per-ballot refusals through without failing the batch', async () => {
    const deps = {} as Deps;
    const write: BallotWriter = async (_d, batch) => batch.map((b) => (b.input.userId === 'U2' ? { ok: false, error: new DomainError('not_eligible', 'no') } : { ok: true, value: result(b) }));
    const out = await Promise.allSettled(['U1', 'U2'].map((u) => queueBallot(deps, ballot(u), write)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('ballotsSettled waits for the gate\'s queue to empty, or for its bound', async () => {
    const deps = {} as Deps;
    const { write } = recordingWriter();
    expect(await Promise.race([ballotsSettled(deps, 'T1', 1, 1000).then(() => 'idle'), new Promise((r) => setTimeout(() => r('waiting'), 20))])).toBe('idle');
    const votes = ['U1', 'U2'].map((u) => queueBallot(deps, ballot(u), write));
    let settled = false;
    const idle = ballotsSettled(deps, 'T1', 1, 1000).then(() => (settled = true));
    await votes[0];
    expect(settled).toBe(false);
    await Promise.all([...votes, idle]);
    expect(settled).toBe(true);
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditForProject } from '../../src/db/repositories/audit.js';
import { findProject, phaseHistory } from '../../src/db/repositories/projects.js';
import { outbox } from '../../src/db/schema/index.js';
import { SlackPeople } from '../../src/sandbox/emulator/person.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { ballotRows, buttonLabels, CHANNEL, ephemeralsFor, gateRows, lastGateMessage, latestGate, makeProject, OWNER, pickOwnerAction, settle, tallySection, vote } from '../helpers/gates.js';
import { bootApp, type Harness, SIGNING_SECRET } from '../helpers/harness.js';

const people = (n: number) => Array.from({ length: n }, (_, i) => `U0V${String(i).padStart(4, '0')}`);

describe.each(databaseKinds())('gates under concurrency (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const openGate = async (slug: string, voters: string[], flags = '--deadline 48h') => {
    await makeProject(h, slug, { stakeholders: voters.length <= 50 ? voters : undefined });
    const res = await h.people.command(OWNER, CHANNEL, `gate ${slug} ${voters.length > 50 ? `--voters ${voters.map((v) => `<@${v}>`).join(' ')}` : ''} ${flags}`);
    expect((res.body as { text: string }).text).toContain('Opened a go/no-go gate');
    await settle(h);
    return { msg: lastGateMessage(h), gate: await latestGate(h) };
  };

  it('200 voters clicking Go at once: exactly 200 ballots, and the final message shows 200', async () => {
    const voters = people(200);
    const { msg, gate } = await openGate('crowd', voters);
    const updatesBefore = h.slack.store.callsTo('chat.update').length;
    const responses = await Promise.all(voters.map((v) => h.people.click(v, msg, 'Go')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await waitFor(() => voters.every((v) => ephemeralsFor(h, v).length === 1), 'every confirmation', 20_000);
    expect(await ballotRows(h, gate.id)).toHaveLength(200);
    await settle(h);
    expect(tallySection(msg)).toContain('Closed: GO');
    expect(tallySection(msg)).toContain('*Go:* 200   *No-go:* 0   *Abstain:* 0   (200 of 200 voted');
    expect(buttonLabels(msg)).toEqual([]);
    // Updates were coalesced: nowhere near one chat.update per vote.
    const updates = h.slack.store.callsTo('chat.update').length - updatesBefore;
    expect(updates).toBeGreaterThanOrEqual(1);
    expect(updates).toBeLessThan(20);
    const project = (await findProject(h.database.db, h.slack.teamId, 'crowd'))!;
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action === 'gate.ballot_cast')).toHaveLength(200);
    expect(audit.filter((a) => a.action === 'gate.closed')).toHaveLength(1);
    expect(h.slack.store.threadReplies(CHANNEL, msg.ts).filter((m) => m.text.startsWith('GO for crowd'))).toHaveLength(1);
    expect(project.phase).toBe('development');
  }, 60_000);

  it('the same block_actions delivered again with X-Slack-Retry-Num counts once; so does a double click', async () => {
    const [ana, raj, lee] = ['U0ANA', 'U0RAJ', 'U0LEE'];
    const { msg, gate } = await openGate('retries', [ana, raj, lee, 'U0SAM']);
    const first = await h.people.click(ana, msg, 'Go');
    const retry = await h.people.click(ana, msg, 'Go', { triggerId: first.triggerId, retryNum: 1, retryReason: 'http_timeout' });
    expect(retry.status).toBe(200);
    // A retry racing the original (Slack's http_timeout retries can) is dropped too.
    const triggerId = h.slack.newTriggerId(raj);
    await Promise.all([h.people.click(raj, msg, 'Abstain', { triggerId }), h.people.click(raj, msg, 'Abstain', { triggerId, retryNum: 1 })]);
    // A double click: two real clicks, two trigger ids, one ballot.
    await Promise.all([h.people.click(lee, msg, 'Go'), h.people.click(lee, msg, 'Go')]);
    await waitFor(() => ephemeralsFor(h, lee).length === 2 && ephemeralsFor(h, ana).length === 1 && ephemeralsFor(h, raj).length === 1, 'answers');
    await new Promise((r) => setTimeout(r, 200)); // room for a wrongly processed retry to show up
    expect(ephemeralsFor(h, ana)).toHaveLength(1);
    expect(ephemeralsFor(h, raj)).toHaveLength(1);
    expect(ephemeralsFor(h, lee).filter((t) => t.includes('You voted *Go*'))).toHaveLength(1);
    expect(ephemeralsFor(h, lee).filter((t) => t.includes('Your vote is already *Go*'))).toHaveLength(1);
    expect(await ballotRows(h, gate.id)).toHaveLength(3);
    const project = (await findProject(h.database.db, h.slack.teamId, 'retries'))!;
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action.startsWith('gate.ballot')).map((a) => a.actorId).sort()).toEqual([ana, lee, raj]);
    await settle(h);
    expect(tallySection(msg)).toContain('*Go:* 2   *No-go:* 0   *Abstain:* 1');
  });

  it('a vote click replayed later (the same signed request, its key written with the ballot) neither counts nor is answered again; nor is a refused one', async () => {
    const [ana, raj, outsider] = ['U0REPLAYA', 'U0REPLAYR', 'U0REPLAYO'];
    const { msg, gate } = await openGate('replays', [ana, raj, 'U0SAM']);
    const first = await h.people.click(ana, msg, 'Go');
    await waitFor(() => ephemeralsFor(h, ana).length === 1, 'the first answer');
    const replay = await h.people.click(ana, msg, 'Abstain', { triggerId: first.triggerId });
    expect(replay.status).toBe(200);
    const refused = await h.people.click(outsider, msg, 'Go');
    await waitFor(() => ephemeralsFor(h, outsider).length === 1, "the outsider's refusal");
    await h.people.click(outsider, msg, 'Go', { triggerId: refused.triggerId });
    await new Promise((r) => setTimeout(r, 200)); // room for a wrongly processed replay to show up
    expect(ephemeralsFor(h, ana)).toHaveLength(1);
    expect(ephemeralsFor(h, outsider)).toHaveLength(1);
    expect((await ballotRows(h, gate.id)).map((b) => b.vote)).toEqual(['go']);
  });

  it('two app instances on one database close a gate at its deadline exactly once', async () => {
    const replica = await h.replica();
    const voters = people(4);
    const { msg, gate } = await openGate('replicated', voters, '--deadline 1h --quorum 2');
    await vote(h, voters[0]!, msg, 'Go');
    await vote(h, voters[1]!, msg, 'Go');
    await settle(h);
    h.clock.set(new Date(gate.deadline.getTime() + 1000));
    const now = h.clock.now();
    await Promise.all([h.app.jobs.tick(now), replica.jobs.tick(now), h.app.jobs.tick(now), replica.jobs.tick(now)]);
    await Promise.all([h.app.jobs.tick(now), replica.jobs.tick(now)]);
    await settle(h);
    const project = (await findProject(h.database.db, h.slack.teamId, 'replicated'))!;
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action === 'gate.closed')).toHaveLength(1);
    expect((await phaseHistory(h.database.db, project.id)).filter((c) => c.via === 'gate')).toHaveLength(1);
    expect(project.phase).toBe('development');
    expect(h.slack.store.threadReplies(CHANNEL, msg.ts).filter((m) => m.text.startsWith('GO for replicated'))).toHaveLength(1);
    expect(tallySection(msg)).toContain('Closed: GO');
    const sentFinal = await h.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `gate:${gate.id}:result`));
    expect(sentFinal).toHaveLength(1);
  });

  it('the owner clicks Close now on one instance while every voter clicks Go on another: one close, and every counted ballot is in the tally', async () => {
    const replica = await h.replica();
    // The owner's click goes to the replica, the voters' clicks to the first instance: real signed requests.
    const onReplica = new SlackPeople(h.slack, replica.url, SIGNING_SECRET, h.clock);
    // A few rounds, so the close lands at different points among the votes.
    for (const round of [1, 2, 3, 4]) {
      const voters = people(6);
      const slug = `owner-race-${round}`;
      const { msg, gate } = await openGate(slug, voters, '--quorum 1');
      const before = new Map(voters.map((v) => [v, ephemeralsFor(h, v).length]));
      const ownerBefore = ephemeralsFor(h, OWNER).length;
      const clicks = await Promise.all([pickOwnerAction(h, OWNER, msg, 'Close now', onReplica), ...voters.map((v) => h.people.click(v, msg, 'Go'))]);
      expect(clicks.map((c) => c.status)).toEqual(clicks.map(() => 200));
      const answers = await waitFor(() => (voters.every((v) => ephemeralsFor(h, v).length > before.get(v)!) ? voters.map((v) => ephemeralsFor(h, v)[before.get(v)!]!) : undefined), 'every voter answered');
      const closed = await waitFor(async () => {
        const g = (await gateRows(h)).find((x) => x.id === gate.id)!;
        // The owner's close has run too: it won, or it was told the gate had already closed.
        return g.status === 'closed' && (g.closedBy === 'owner' || ephemeralsFor(h, OWNER).length > ownerBefore) ? g : undefined;
      }, 'the gate closed and the owner answered');
      if (closed.closedBy !== 'owner') expect(ephemeralsFor(h, OWNER)[ownerBefore]).toMatch(/This gate is already closed|This gate closed a moment ago/);

      // Each voter was told either "counted" or "closed"; exactly the counted ones have a ballot, and the tally is theirs.
      const counted = voters.filter((_, i) => answers[i]!.includes('You voted *Go*'));
      const refused = voters.filter((_, i) => answers[i]!.includes('This gate closed with outcome'));
      expect(counted.length + refused.length).toBe(voters.length);
      expect((await ballotRows(h, gate.id)).map((b) => b.voterKey).sort()).toEqual(counted.sort());
      expect(closed.finalTally).toEqual({ go: counted.length, noGo: 0, abstain: 0, total: counted.length });
      expect(closed.outcome).toBe(counted.length >= 1 ? 'go' : 'no_quorum');
      // A refused vote means the owner closed first; with every ballot in, either close may have won.
      if (refused.length > 0) expect(closed.closedBy).toBe('owner');
      else expect(['owner', 'all_voted']).toContain(closed.closedBy);

      const project = (await findProject(h.database.db, h.slack.teamId, slug))!;
      const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
      expect(audit.filter((a) => a.action === 'gate.closed')).toHaveLength(1);
      expect(audit.filter((a) => a.action === 'gate.ballot_cast').map((a) => a.actorId).sort()).toEqual(counted);
      expect(project.phase).toBe(counted.length >= 1 ? 'development' : 'design');
      await settle(h);
      expect(tallySection(msg)).toContain(`*Go:* ${counted.length}   *No-go:* 0   *Abstain:* 0   (${counted.length} of 6 voted`);
      expect(buttonLabels(msg)).toEqual([]);
      const results = h.slack.store.threadReplies(CHANNEL, msg.ts).filter((m) => /^(GO|NO QUORUM) for /.test(m.text));
      expect(results).toHaveLength(1);
      expect(results[0]!.text).toContain(`Go ${counted.length}, No-go 0, Abstain 0`);
    }
  });

  it('votes racing the GO that supersedes their gate: the gate closes once without a decision, with every counted ballot frozen in it', async () => {
    const replica = await h.replica();
    const onReplica = new SlackPeople(h.slack, replica.url, SIGNING_SECRET, h.clock);
    const voters = people(6);
    const slug = 'superseded-race';
    // The continue/stop gate: six voters plus the owner (who does not vote), so it can only end by being superseded.
    const { msg: retire, gate: retireGate } = await openGate(slug, voters, '--to retired');
    const ANA = 'U0ANA';
    expect((await h.people.command(OWNER, CHANNEL, `gate ${slug} --voters <@${ANA}> --quorum 1`)).status).toBe(200);
    await settle(h);
    const forward = lastGateMessage(h);
    const before = new Map(voters.map((v) => [v, ephemeralsFor(h, v).length]));
    // ANA's Go (on the replica) closes design → development, which supersedes the retire gate the others are voting on.
    await Promise.all([onReplica.click(ANA, forward, 'Go'), ...voters.map((v) => h.people.click(v, retire, 'Go'))]);
    const answers = await waitFor(() => (voters.every((v) => ephemeralsFor(h, v).length > before.get(v)!) ? voters.map((v) => ephemeralsFor(h, v)[before.get(v)!]!) : undefined), 'every voter answered');
    const closed = await waitFor(async () => {
      const g = (await gateRows(h)).find((x) => x.id === retireGate.id)!;
      return g.status === 'closed' ? g : undefined;
    }, 'the retire gate closed');
    const project = (await findProject(h.database.db, h.slack.teamId, slug))!;
    expect(project.phase).toBe('development');
    expect(closed.outcome).toBe('superseded');
    const counted = voters.filter((_, i) => answers[i]!.includes('You voted *Go*'));
    const refused = voters.filter((_, i) => answers[i]!.includes('This gate closed without a decision'));
    expect(counted.length + refused.length).toBe(voters.length);
    expect((await ballotRows(h, retireGate.id)).map((b) => b.voterKey).sort()).toEqual(counted.sort());
    expect(closed.finalTally).toEqual({ go: counted.length, noGo: 0, abstain: 0, total: counted.length });
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action === 'gate.superseded')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'project.phase_changed')).toHaveLength(1);
    await settle(h);
    expect(buttonLabels(retire)).toEqual([]);
    expect(tallySection(retire)).toContain(`Closed without a decision`);
    expect(tallySection(retire)).toContain(`*Go:* ${counted.length}   *No-go:* 0`);
    expect(h.slack.store.threadReplies(CHANNEL, retire.ts).filter((m) => m.text.startsWith('Closed without a decision'))).toHaveLength(1);
  });
});

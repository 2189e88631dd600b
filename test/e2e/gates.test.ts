import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditForProject } from '../../src/db/repositories/audit.js';
import { findProject, phaseHistory } from '../../src/db/repositories/projects.js';
import { auditLog, gates, outbox, projects, timers } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { ballotRows, blockTexts, buttonLabels, CHANNEL, ephemeralsFor, gateRows, lastGateMessage, latestGate, makeProject, OWNER, ownerMenuOptions, pickOwnerAction, settle, vote, voteNoGo } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { requestGate } from '../../src/services/gates/request-gate.js';
import { castVote } from '../../src/services/gates/cast-vote.js';

const [ANA, RAJ, LEE, SAM] = ['U0ANA', 'U0RAJ', 'U0LEE', 'U0SAM'];
const HOUR = 3_600_000;

/** The buttons of a gate message as they were while it was open: a stale client can still click them. */
function staleCopy(message: StoredMessage, gateId: number): StoredMessage {
  const el = (text: string, action: string) => ({ type: 'button', text: { type: 'plain_text', text }, action_id: action, value: String(gateId) });
  return { ...message, blocks: [{ type: 'actions', block_id: `gate-${gateId}`, elements: [el('Go', 'gate.vote.go'), el('No-go', 'gate.vote.no_go')] }] };
}

const sectionText = (m: StoredMessage, blockId: string) => ((m.blocks ?? []).find((b) => b.block_id === blockId) as { text?: { text: string } } | undefined)?.text?.text ?? '';

describe.each(databaseKinds())('go/no-go gates through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const command = async (user: string, text: string) => {
    const res = await h.people.command(user, CHANNEL, text);
    expect(res.status).toBe(200);
    return (res.body as { text: string }).text;
  };
  const thread = (m: StoredMessage) => h.slack.store.threadReplies(CHANNEL, m.ts);

  it('a full gate: stakeholders vote, quorum is announced, everyone voted closes it GO and moves the phase', async () => {
    const project = await makeProject(h, 'churn', { stakeholders: [ANA, RAJ, LEE] });
    const reply = await command(OWNER, 'gate churn --deadline 48h');
    expect(reply).toContain('Opened a go/no-go gate for churn (design → development)');
    expect(reply).toContain('3 voters, quorum 2');
    await settle(h);
    const msg = lastGateMessage(h);
    expect(buttonLabels(msg)).toEqual(['Go', 'No-go', 'Abstain']);
    expect(ownerMenuOptions(msg)).toEqual(['Close now', 'Cancel gate']);
    expect(blockTexts(msg)).toContain('Is churn ready to move from design to development?');
    // What a voter needs first: the question, the deadline and tally, the buttons; the evidence after them.
    const order = (msg.blocks ?? []).map((b) => (b.type === 'actions' ? 'buttons' : b.block_id === 'tally' ? 'tally' : JSON.stringify(b).includes('*Evidence*') ? 'evidence' : null)).filter(Boolean);
    expect(order).toEqual(['tally', 'buttons', 'evidence']);
    // The deadline is shown once, and the vote's mode is named in words.
    const deadlineSeconds = String(Math.floor((await latestGate(h)).deadline.getTime() / 1000));
    expect(blockTexts(msg).split(`<!date^${deadlineSeconds}^`).length - 1).toBe(1);
    expect(blockTexts(msg)).toContain('*Named votes*');
    expect(blockTexts(msg)).not.toContain('*Mode*');
    // The deadline is Slack date markup, so each reader sees it in their own time zone.
    expect(sectionText(msg, 'tally')).toMatch(/Open\* until <!date\^\d+\^/);
    expect(sectionText(msg, 'tally')).toContain('*Go:* 0');

    expect(await vote(h, ANA, msg, 'Go')).toContain('You voted *Go*');
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('*Go:* 1');
    expect(sectionText(msg, 'voted')).toContain('<@U0ANA>');

    await vote(h, RAJ, msg, 'Go');
    await settle(h);
    expect(thread(msg).map((m) => m.text).join('\n')).toContain('Quorum reached: 2 of 3');
    expect(buttonLabels(msg)).toContain('Go');

    await vote(h, LEE, msg, 'Abstain');
    await settle(h);
    expect(buttonLabels(msg)).toEqual([]);
    expect(sectionText(msg, 'tally')).toContain('Closed: GO');
    expect(sectionText(msg, 'tally')).toContain('*Go:* 2   *No-go:* 0   *Abstain:* 1');
    const result = thread(msg).at(-1)!;
    expect(result.text).toContain('GO for churn design → development');
    expect(blockTexts(result)).toContain('every eligible voter voted');
    expect(blockTexts(result)).toContain('*Go:* <@U0ANA>, <@U0RAJ>');

    expect((await findProject(h.database.db, h.slack.teamId, 'churn'))!.phase).toBe('development');
    const history = await phaseHistory(h.database.db, project.id);
    expect(history.at(-1)).toMatchObject({ fromPhase: 'design', toPhase: 'development', via: 'gate' });
    const audit = (await auditForProject(h.database.db, h.slack.teamId, project.id)).map((a) => a.action);
    expect(audit.filter((a) => a === 'gate.ballot_cast')).toHaveLength(3);
    expect(audit.filter((a) => a === 'gate.closed')).toHaveLength(1);
    expect(audit).toContain('project.phase_changed');

    // /mlops status shows the phase history and no open gate left.
    const status = await h.people.command(OWNER, CHANNEL, 'status churn');
    const statusBlocks = JSON.stringify((status.body as { blocks: unknown[] }).blocks);
    expect(statusBlocks).toContain('*development* (gate');
    expect(statusBlocks).toContain('*Open gates:* none');
    expect(statusBlocks).toContain('Last gate: design → development');

    // A click from a stale copy of the message changes nothing.
    const gate = (await gateRows(h)).find((g) => g.projectId === project.id)!;
    expect(await vote(h, ANA, staleCopy(msg, gate.id), 'Go')).toContain('This gate closed with outcome GO');
    expect(await ballotRows(h, gate.id)).toHaveLength(3);
  });

  it('NO-GO: the No-go modal requires a reason, ballots can change, reasons are in the result', async () => {
    const project = await makeProject(h, 'fraud', { phase: 'development' });
    // No stakeholders in the brief: --voters is required, and the error says so.
    const gatesBefore = (await gateRows(h)).length;
    expect(await command(OWNER, 'gate fraud --deadline 48h')).toContain('name the voters with --voters');
    expect((await gateRows(h)).length).toBe(gatesBefore);
    await command(OWNER, `gate fraud --voters <@${ANA}> <@${RAJ}|raj> <@${LEE}> --quorum 2 Ship the fraud model to production?`);
    await settle(h);
    const msg = lastGateMessage(h);
    expect(blockTexts(msg)).toContain('Ship the fraud model to production?');
    const gate = await latestGate(h);
    expect(gate.toPhase).toBe('deployment');

    const empty = await voteNoGo(h, ANA, msg, '   ');
    expect(empty.response).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringContaining('needs a reason') } });
    expect(await ballotRows(h, gate.id)).toHaveLength(0);
    const retry = await h.people.submitView(ANA, empty.viewId, { reason: { reason: 'Recall on the holdout set is 0.61; the target is 0.8.' } });
    expect((retry.body as { response_action?: string } | undefined)?.response_action).toBeUndefined();
    await waitFor(async () => (await ballotRows(h, gate.id)).length === 1, 'the No-go ballot');

    await vote(h, LEE, msg, 'Abstain');
    expect(await vote(h, LEE, msg, 'Go')).toContain('Your vote is now *Go*');
    expect((await voteNoGo(h, RAJ, msg, 'No rollback plan yet.')).answer).toContain('You voted *No-go*');
    await settle(h);

    expect(sectionText(msg, 'tally')).toContain('Closed: NO-GO');
    expect(sectionText(msg, 'tally')).toContain('*Go:* 1   *No-go:* 2   *Abstain:* 0');
    const result = thread(msg).at(-1)!;
    expect(result.text).toContain('NO-GO for fraud development → deployment');
    expect(blockTexts(result)).toContain('<@U0ANA>: Recall on the holdout set is 0.61; the target is 0.8.');
    expect(blockTexts(result)).toContain('<@U0RAJ>: No rollback plan yet.');
    expect((await findProject(h.database.db, h.slack.teamId, 'fraud'))!.phase).toBe('development');
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action === 'gate.ballot_changed').map((a) => a.actorId)).toEqual([LEE]);
    expect(audit.find((a) => a.action === 'gate.closed')!.detail).toMatchObject({ outcome: 'no_go' });
  });

  it('NO QUORUM at the deadline; reminders 24 h and 1 h before go only to those who have not voted', async () => {
    await makeProject(h, 'ranker', { stakeholders: [ANA, RAJ, LEE, SAM] });
    await command(OWNER, 'gate ranker --quorum 3 --deadline 2d');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    await vote(h, ANA, msg, 'Go');

    const dmsTo = (u: string) => h.slack.store.messages.filter((m) => m.channel === `D${u.slice(1)}`);
    h.clock.set(new Date(gate.deadline.getTime() - 24 * HOUR));
    await settle(h);
    expect(dmsTo(ANA)).toHaveLength(0);
    for (const u of [RAJ, LEE, SAM]) expect(dmsTo(u).map((m) => m.text).join()).toContain('Reminder: your vote on the ranker gate');
    await vote(h, RAJ, msg, 'Go');
    h.clock.set(new Date(gate.deadline.getTime() - HOUR));
    await settle(h);
    expect(dmsTo(RAJ)).toHaveLength(1);
    expect(dmsTo(LEE)).toHaveLength(2);

    h.clock.set(new Date(gate.deadline.getTime() + 1000));
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('Closed: NO QUORUM');
    const result = thread(msg).at(-1)!;
    expect(result.text).toContain('NO QUORUM for ranker');
    expect(blockTexts(result)).toContain('the deadline passed');
    expect(blockTexts(result)).toContain('Only 2 of the 3 votes needed');
    expect(blockTexts(result)).toContain('Did not vote: <@U0LEE>, <@U0SAM>');
    expect((await findProject(h.database.db, h.slack.teamId, 'ranker'))!.phase).toBe('design');
    // Every timer of the gate is settled: nothing fires again.
    const mine = await h.database.db.select().from(timers).where(eq(timers.ref, String(gate.id)));
    expect(mine.length).toBe(3);
    expect(mine.every((t) => t.doneAt || t.cancelledAt)).toBe(true);
  });

  it('a reminder DM carries the vote buttons and a link to the gate message; a vote there counts and redraws the gate message', async () => {
    await makeProject(h, 'nudged', { stakeholders: [ANA, RAJ, LEE] });
    await command(OWNER, 'gate nudged --quorum 3 --deadline 2d');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    const dmTo = (u: string) => h.slack.store.messages.filter((m) => m.channel === `D${u.slice(1)}` && m.text.includes('nudged gate')).at(-1)!;
    h.clock.set(new Date(gate.deadline.getTime() - 24 * HOUR));
    await settle(h);

    const dm = dmTo(ANA);
    expect(dm.text).toContain('Reminder: your vote on the nudged gate');
    expect(buttonLabels(dm)).toEqual(['Go', 'No-go', 'Abstain']);
    expect(blockTexts(dm)).toContain(`<${h.slack.url}/archives/${CHANNEL}/p${msg.ts.replace('.', '')}|the gate message>`);
    expect(blockTexts(dm)).toContain(`*${gate.question}*`);

    // Go from the DM: the answer comes in the DM, the ballot counts, the gate message is redrawn.
    expect(await vote(h, ANA, dm, 'Go')).toContain('You voted *Go*');
    expect(h.slack.store.ephemerals.filter((e) => e.user === ANA).at(-1)!.channel).toBe(`D${ANA.slice(1)}`);
    expect((await ballotRows(h, gate.id)).map((b) => [b.voterKey, b.vote])).toEqual([[ANA, 'go']]);
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('*Go:* 1');
    expect(sectionText(msg, 'voted')).toContain('<@U0ANA>');

    // No-go from the DM asks for the reason like the gate message does.
    const { answer } = await voteNoGo(h, RAJ, dmTo(RAJ), 'Not yet.');
    expect(answer).toContain('You voted *No-go*');
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('*No-go:* 1');

    // Someone who is not a voter clicking a forwarded reminder is refused where they clicked.
    expect(await vote(h, SAM, dm, 'Go')).toContain('You are not an eligible voter on this gate');
    expect(await ballotRows(h, gate.id)).toHaveLength(2);
  });

  it('anonymous mode: counts only, and no voter–vote pairing in messages, ballots, audit or outbox', async () => {
    const project = await makeProject(h, 'anon-model', { stakeholders: [ANA, RAJ, LEE] });
    await command(OWNER, 'gate anon-model --anonymous --quorum 3');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    expect(gate.anonymous).toBe(true);
    await vote(h, ANA, msg, 'Go');
    expect(await vote(h, ANA, msg, 'Abstain')).toContain('nobody can see who voted what');
    await voteNoGo(h, RAJ, msg, 'Too early.');
    await settle(h);
    // An anonymous gate hides the counts until close by default: a tally that moves just after a click would tell.
    expect(gate.hideResults).toBe(true);
    expect(sectionText(msg, 'tally')).toContain('2 of 3 voted');
    expect(sectionText(msg, 'tally')).not.toContain('*Go:*');
    expect(msg.text).not.toContain('No-go 1');
    expect(sectionText(msg, 'voted')).toContain('2 of 3');
    expect(sectionText(msg, 'voted')).not.toContain('<@');

    const ballots = await ballotRows(h, gate.id);
    expect(ballots).toHaveLength(2);
    for (const b of ballots) {
      expect(b.voterKey).toMatch(/^a:[0-9a-f]{64}$/);
      for (const u of [ANA, RAJ, LEE]) expect(JSON.stringify(b)).not.toContain(u);
    }
    await vote(h, LEE, msg, 'Go');
    await settle(h);

    const closed = (await gateRows(h)).find((g) => g.id === gate.id)!;
    expect(closed.status).toBe('closed');
    expect(sectionText(msg, 'tally')).toContain('*Go:* 1   *No-go:* 1   *Abstain:* 1');
    expect(closed.anonSecret).toBeNull();
    expect(closed.participants).toEqual([ANA, LEE, RAJ]);
    const result = thread(msg).at(-1)!;
    expect(result.text).toContain('Go 1, No-go 1, Abstain 1');
    expect(result.text).toContain('Too early.');
    expect(blockTexts(result)).not.toContain('U0RAJ>: Too early');
    expect(blockTexts(result)).toContain('who voted what is not recorded');
    // After close the message names who took part, still not who voted what.
    expect(sectionText(msg, 'voted')).toContain('<@U0ANA>, <@U0LEE>, <@U0RAJ>');
    expect(blockTexts(msg)).not.toContain('Too early');

    // The audit log says that a ballot was cast or changed, never by whom or which way.
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    const ballotAudit = audit.filter((a) => a.action.startsWith('gate.ballot'));
    expect(ballotAudit.map((a) => a.action)).toEqual(['gate.ballot_cast', 'gate.ballot_changed', 'gate.ballot_cast', 'gate.ballot_cast']);
    for (const a of ballotAudit) {
      expect(a.actorId).toBe('anonymous');
      expect(a.detail).toEqual({ gateId: gate.id });
    }
    // Nothing queued for Slack pairs a person with a vote (confirmations go straight to the voter).
    const queued = await h.database.db.select().from(outbox);
    for (const row of queued) expect(JSON.stringify(row.payload)).not.toContain('U0RAJ>: Too early');
  });

  it('--hide-results hides the counts of a named gate until close; --show-results shows an anonymous gate\'s', async () => {
    await makeProject(h, 'hidden', { stakeholders: [ANA, RAJ] });
    expect(await command(OWNER, 'gate hidden --hide-results --show-results')).toContain('--hide-results or --show-results, not both');
    await command(OWNER, 'gate hidden --hide-results');
    await settle(h);
    const msg = lastGateMessage(h);
    expect((await latestGate(h)).hideResults).toBe(true);
    await vote(h, ANA, msg, 'Go');
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('1 of 2 voted');
    expect(sectionText(msg, 'tally')).toContain('the counts are shown when the gate closes');
    expect(sectionText(msg, 'tally')).not.toContain('*Go:*');
    expect(sectionText(msg, 'voted')).toContain('<@U0ANA>'); // named: who voted is still shown, not how
    await vote(h, RAJ, msg, 'Go');
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('Closed: GO');
    expect(sectionText(msg, 'tally')).toContain('*Go:* 2   *No-go:* 0   *Abstain:* 0');

    await makeProject(h, 'shown', { stakeholders: [ANA, RAJ] });
    await command(OWNER, 'gate shown --anonymous --show-results');
    await settle(h);
    const shown = lastGateMessage(h);
    expect((await latestGate(h)).hideResults).toBe(false);
    await vote(h, ANA, shown, 'Go');
    await settle(h);
    expect(sectionText(shown, 'tally')).toContain('*Go:* 1   *No-go:* 0   *Abstain:* 0');
  });

  it('refuses a vote from someone who is not an eligible voter, ephemerally, with the tally unchanged', async () => {
    await makeProject(h, 'eligible', { stakeholders: [ANA, RAJ] });
    await command(OWNER, 'gate eligible --deadline 48h');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    expect(await vote(h, SAM, msg, 'Go')).toContain('You are not an eligible voter on this gate. Voters: <@U0ANA>, <@U0RAJ>.');
    const viewsBefore = h.slack.store.views.size;
    const before = ephemeralsFor(h, SAM).length;
    await h.people.click(SAM, msg, 'No-go');
    await waitFor(() => ephemeralsFor(h, SAM).length > before, 'the No-go refusal');
    expect(h.slack.store.views.size).toBe(viewsBefore); // no modal for a non-voter
    expect(await ballotRows(h, gate.id)).toHaveLength(0);
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('0 of 2 voted');

    // Only the owner may cancel; the owner's cancel ends the vote with no outcome.
    expect(await vote(h, ANA, msg, 'Cancel gate')).toContain('Only the project owner');
    expect((await gateRows(h)).find((g) => g.id === gate.id)!.status).toBe('open');
    expect(ephemeralsFor(h, ANA).at(-1)).toContain('<@U0OWNER>');
    // A gate message posted before the "⋯" menu has a Cancel gate button: the same rule answers it.
    const oldMessage = { ...msg, blocks: [{ type: 'actions', block_id: `gate-${gate.id}`, elements: [{ type: 'button', text: { type: 'plain_text', text: 'Cancel gate' }, action_id: 'gate.cancel', value: String(gate.id) }] }] };
    const answered = ephemeralsFor(h, ANA).length;
    await h.people.click(ANA, oldMessage, 'Cancel gate');
    expect(await waitFor(() => ephemeralsFor(h, ANA)[answered], 'the refusal of the old button')).toContain('Only the project owner');
    expect((await gateRows(h)).find((g) => g.id === gate.id)!.status).toBe('open');
    await pickOwnerAction(h, OWNER, msg, 'Cancel gate');
    await waitFor(async () => (await gateRows(h)).find((g) => g.id === gate.id)!.status === 'cancelled', 'cancelled');
    await settle(h);
    expect(buttonLabels(msg)).toEqual([]);
    expect(sectionText(msg, 'tally')).toContain('Cancelled');
    expect(await vote(h, ANA, staleCopy(msg, gate.id), 'Go')).toContain('This gate was cancelled');
    expect(await ballotRows(h, gate.id)).toHaveLength(0);
  });

  it('the owner can close early: the outcome is decided with the ballots so far', async () => {
    await makeProject(h, 'early', { stakeholders: [ANA, RAJ, LEE] });
    await command(OWNER, 'gate early --quorum 1');
    await settle(h);
    const msg = lastGateMessage(h);
    await vote(h, ANA, msg, 'Go');
    // Anyone else picking Close now in the menu is told who may, and nothing changes.
    expect(await vote(h, RAJ, msg, 'Close now')).toContain('Only the project owner (<@U0OWNER>) can close this gate.');
    expect((await latestGate(h)).status).toBe('open');
    await pickOwnerAction(h, OWNER, msg, 'Close now');
    await waitFor(async () => (await latestGate(h)).status === 'closed', 'closed');
    await settle(h);
    expect(sectionText(msg, 'tally')).toContain('Closed: GO');
    expect(blockTexts(thread(msg).at(-1)!)).toContain('the project owner closed it early');
    expect((await findProject(h.database.db, h.slack.teamId, 'early'))!.phase).toBe('development');
  });

  it('bad input is explained with the usage, and writes nothing', async () => {
    await makeProject(h, 'bad-input', { stakeholders: [ANA, RAJ] });
    const before = { gates: (await gateRows(h)).length, audit: (await h.database.db.select().from(auditLog)).length, outbox: (await h.database.db.select().from(outbox)).length };
    const cases: [string, string][] = [
      ['gate bad-input --to production', '"production" is not a phase'],
      ['gate bad-input --to design', 'can move to development or retired, not to design'],
      ['gate bad-input --quorum 3', 'Quorum 3 is larger than the 2 eligible voters'],
      ['gate bad-input --quorum two', 'Quorum must be a whole number'],
      ['gate bad-input --deadline 2020-01-01T00:00Z', 'is not in the future'],
      ['gate bad-input --deadline tomorrowish', 'is not a deadline I understand'],
      ['gate bad-input --voters', 'needs one or more @mentions'],
      ['gate bad-input --color red', 'Unknown option --color'],
      ['gate no-such-project', 'There is no project `no-such-project`'],
      ['gate', 'Name the project by its slug'],
    ];
    for (const [text, expected] of cases) {
      const reply = await command(OWNER, text);
      expect(reply, text).toContain(expected);
      expect(reply, text).toContain('Usage: /mlops gate <slug>');
    }
    expect({ gates: (await gateRows(h)).length, audit: (await h.database.db.select().from(auditLog)).length, outbox: (await h.database.db.select().from(outbox)).length }).toEqual(before);

    expect(await command(OWNER, 'gate bad-input --deadline 48h')).toContain('Opened a go/no-go gate');
    expect(await command(OWNER, 'gate bad-input --to development')).toContain('already has an open gate for design → development');
    // A gate for another transition (continue/stop) may be open at the same time.
    expect(await command(OWNER, 'gate bad-input --to retired')).toContain('Opened a go/no-go gate for bad-input (design → retired)');
    expect((await gateRows(h)).length).toBe(before.gates + 2);
    const status = await h.people.command(OWNER, CHANNEL, 'status bad-input');
    const blocks = JSON.stringify((status.body as { blocks: unknown[] }).blocks);
    expect(blocks).toContain('design → development — 0 of 2 voted (quorum 2)');
    // A gate towards retired always has the owner among its voters.
    expect(blocks).toContain('design → retired — 0 of 3 voted');
  });

  it('only one gate per transition opens, even when the requests race', async () => {
    const project = await makeProject(h, 'racing', { stakeholders: [ANA, RAJ] });
    const messagesBefore = h.slack.store.channelMessages(CHANNEL).length;
    // Truly concurrent: several requests can pass the "already open?" check before any of them inserts.
    const replies = await Promise.all([command(OWNER, 'gate racing --deadline 48h'), command(ANA, 'gate racing --deadline 48h'), command(RAJ, 'gate racing --deadline 48h'), command(OWNER, 'gate racing --deadline 3d')]);
    expect(replies.filter((r) => r.includes('Opened a go/no-go gate for racing (design → development)'))).toHaveLength(1);
    const refused = replies.filter((r) => !r.includes('Opened a go/no-go gate'));
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r).toContain('racing already has an open gate for design → development');
    const open = (await gateRows(h)).filter((g) => g.projectId === project.id);
    expect(open).toHaveLength(1);
    const opened = (await auditForProject(h.database.db, h.slack.teamId, project.id)).filter((a) => a.action === 'gate.opened');
    expect(opened).toHaveLength(1);
    await settle(h);
    // One gate message in the channel, nothing queued for the refused ones.
    expect(h.slack.store.channelMessages(CHANNEL).slice(messagesBefore).filter((m) => m.text.startsWith('Go/no-go for racing'))).toHaveLength(1);
  });

  it('only the owner or a stakeholder may open a gate, and only the owner may choose the voters or the quorum', async () => {
    const project = await makeProject(h, 'guarded', { stakeholders: [ANA, RAJ, LEE] });
    const EVE = 'U0EVE';
    const counts = async () => ({ gates: (await gateRows(h)).length, audit: (await h.database.db.select().from(auditLog)).length, outbox: (await h.database.db.select().from(outbox)).length });
    const before = await counts();

    // The attack: someone unrelated names themselves the only voter with quorum 1 and retires the project.
    const attack = await command(EVE, `gate guarded --to retired --voters <@${EVE}> --quorum 1 Retire it?`);
    expect(attack).toContain('Only the project owner (<@U0OWNER>) or a stakeholder named in its design brief can open a gate');
    expect(attack).not.toContain('Usage:'); // a refusal, not a typo
    expect(await command(EVE, 'gate guarded')).toContain('Only the project owner (<@U0OWNER>) or a stakeholder');
    // The buttons' seam (Request design/deployment gate, continue/stop) refuses the same person.
    const viaButton = await requestGate(h.app.deps, { teamId: h.slack.teamId, projectId: project.id, requestedBy: EVE, toPhase: 'retired' });
    expect(viaButton).toMatchObject({ ok: false, message: expect.stringContaining('Only the project owner (<@U0OWNER>) or a stakeholder') });

    // A stakeholder may not choose the electorate either.
    expect(await command(ANA, `gate guarded --to retired --voters <@${ANA}> --quorum 1`)).toContain('Only the project owner (<@U0OWNER>) can choose the voters or the quorum (--voters and --quorum)');
    expect(await command(ANA, `gate guarded --voters <@${ANA}> <@${RAJ}>`)).toContain('(--voters)');
    expect(await command(ANA, 'gate guarded --quorum 1')).toContain('(--quorum)');
    expect(await counts()).toEqual(before);
    expect((await findProject(h.database.db, h.slack.teamId, 'guarded'))!.phase).toBe('design');

    // With the defaults a stakeholder may open one (naming the defaults explicitly is no override).
    expect(await command(ANA, `gate guarded --voters <@${LEE}> <@${ANA}> <@${RAJ}> --quorum 2 --deadline 3d`)).toContain('Opened a go/no-go gate for guarded (design → development)');
    // Towards retired the owner is added to the default voters: a stakeholder cannot retire a project without them.
    expect(await command(RAJ, 'gate guarded --to retired')).toContain('4 voters, quorum 3');
    // The owner may choose the voters and quorum, but a gate towards retired must count the owner among them.
    await h.database.db.update(gates).set({ status: 'cancelled' }).where(eq(gates.projectId, project.id));
    expect(await command(OWNER, `gate guarded --to retired --voters <@${SAM}> --quorum 1`)).toContain('needs the project owner (<@U0OWNER>) among its voters');
    expect(await command(OWNER, `gate guarded --to retired --voters <@${SAM}> <@${OWNER}> --quorum 1`)).toContain('2 voters, quorum 1');
    const opened = (await auditForProject(h.database.db, h.slack.teamId, project.id)).filter((a) => a.action === 'gate.opened');
    expect(opened.map((a) => a.actorId)).toEqual([ANA, RAJ, OWNER]);
  });

  it('a vote after the deadline closes a gate its timer has not closed yet, exactly once', async () => {
    const project = await makeProject(h, 'late', { stakeholders: [ANA, RAJ, LEE, SAM] });
    await command(OWNER, 'gate late --deadline 1h');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    for (const u of [ANA, RAJ, LEE]) await vote(h, u, msg, 'Go');
    await settle(h);
    expect((await latestGate(h)).status).toBe('open');

    // Past the deadline, no job has run (as when the deadline timer failed and was given up).
    h.clock.set(new Date(gate.deadline.getTime() + 5 * 60_000));
    const before = ephemeralsFor(h, SAM).length;
    await Promise.all([h.people.click(SAM, msg, 'Go'), h.people.click(SAM, msg, 'No-go')]);
    const answers = await waitFor(() => (ephemeralsFor(h, SAM).length >= before + 2 ? ephemeralsFor(h, SAM).slice(before) : undefined), "SAM's two refusals");
    for (const a of answers) expect(a).toMatch(/deadline of this gate has passed|closed with outcome GO/);
    const closed = (await gateRows(h)).find((g) => g.id === gate.id)!;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'go', closedBy: 'deadline' });
    expect(await ballotRows(h, gate.id)).toHaveLength(3);
    expect((await findProject(h.database.db, h.slack.teamId, 'late'))!.phase).toBe('development');

    // The timer, when the jobs run again, finds nothing left to do.
    await settle(h);
    await h.app.jobs.tick(h.clock.now());
    const audit = await auditForProject(h.database.db, h.slack.teamId, project.id);
    expect(audit.filter((a) => a.action === 'gate.closed')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'project.phase_changed')).toHaveLength(1);
    expect(thread(msg).filter((m) => m.text.startsWith('GO for late'))).toHaveLength(1);
    expect(blockTexts(thread(msg).at(-1)!)).toContain('the deadline passed');
    expect(sectionText(msg, 'tally')).toContain('Closed: GO');
  });

  it('the last vote\'s follow-up survives its process dying after the ack: another pass closes the gate a little later', async () => {
    await makeProject(h, 'orphan-vote', { stakeholders: [ANA, RAJ] });
    await command(OWNER, 'gate orphan-vote --deadline 48h');
    await settle(h);
    const gate = await latestGate(h);
    // Both ballots are committed as the listener does it, but the process dies before the follow-up.
    for (const userId of [ANA, RAJ]) await castVote(h.app.deps, { teamId: h.slack.teamId, gateId: gate.id, userId, vote: 'go' }, h.clock.now());
    await h.app.jobs.tick(h.clock.now());
    expect((await gateRows(h)).find((g) => g.id === gate.id)!.status).toBe('open');
    await h.app.jobs.tick(h.clock.advance(31_000));
    expect((await gateRows(h)).find((g) => g.id === gate.id)).toMatchObject({ status: 'closed', outcome: 'go' });
    await settle(h);
    expect(thread(lastGateMessage(h)).filter((m) => m.text.startsWith('GO for orphan-vote'))).toHaveLength(1);
  });

  it('a phase move closes the project\'s other open gates without a decision, so a stale gate can never move it later', async () => {
    const project = await makeProject(h, 'stale', { stakeholders: [ANA, RAJ] });
    // A continue/stop gate opened while the project is in design, and left open.
    await command(OWNER, `gate stale --to retired --voters <@${ANA}> <@${OWNER}> --quorum 2`);
    await settle(h);
    const retire = lastGateMessage(h);
    const retireGate = await latestGate(h);
    // Meanwhile the project moves design → development, and back development → design.
    await command(OWNER, `gate stale --voters <@${ANA}> --quorum 1`);
    await settle(h);
    const forwardGate = await latestGate(h);
    await vote(h, ANA, lastGateMessage(h), 'Go');
    await settle(h);
    await command(OWNER, `gate stale --to design --voters <@${ANA}> --quorum 1`);
    await settle(h);
    await vote(h, ANA, lastGateMessage(h), 'Go');
    await settle(h);
    expect((await findProject(h.database.db, h.slack.teamId, 'stale'))!.phase).toBe('design');

    // The project is in design again, the phase the old gate started from: its voters click Go on
    // the buttons a client that never refreshed still shows.
    const old = staleCopy(retire, retireGate.id);
    const answers = [await vote(h, ANA, old, 'Go'), await vote(h, OWNER, old, 'Go')];
    await settle(h);
    expect((await findProject(h.database.db, h.slack.teamId, 'stale'))!.phase).toBe('design');
    for (const a of answers) expect(a).toContain('This gate closed without a decision');
    expect(await ballotRows(h, retireGate.id)).toHaveLength(0);
    expect((await phaseHistory(h.database.db, project.id)).map((c) => `${c.fromPhase ?? ''}>${c.toPhase}`)).toEqual(['>design', 'design>development', 'development>design']);

    // It was closed when the project first left design: outcome, thread reply, message without buttons, audit, timers.
    const closed = (await gateRows(h)).find((g) => g.id === retireGate.id)!;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'superseded', phaseChanged: null });
    const notice = thread(retire).at(-1)!;
    expect(notice.text).toContain('Closed without a decision: stale moved from design to development');
    expect(notice.text).toContain('this gate asked about design → retired');
    expect(buttonLabels(retire)).toEqual([]);
    expect(sectionText(retire, 'tally')).toContain('Closed without a decision');
    expect(sectionText(retire, 'tally')).not.toContain('moved to *retired*');
    const superseded = (await auditForProject(h.database.db, h.slack.teamId, project.id)).filter((a) => a.action === 'gate.superseded');
    expect(superseded).toHaveLength(1);
    expect(superseded[0]).toMatchObject({ actorId: OWNER, detail: { gateId: retireGate.id, byGateId: forwardGate.id, from: 'design', to: 'development' } });
    const mine = await h.database.db.select().from(timers).where(eq(timers.ref, String(retireGate.id)));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.doneAt || t.cancelledAt)).toBe(true);
    const status = JSON.stringify((await h.people.command(OWNER, CHANNEL, 'status stale')).body);
    expect(status).toContain('*Open gates:* none');
    // "Last gate" is the last decision, not the gate that was closed without one.
    expect(status).toContain('Last gate: development → design');
  });

  it('a gate whose project is no longer in its starting phase at close never moves it', async () => {
    // The project left design without a gate closing (a change made outside this app's rule, or a
    // gate left open by an earlier version): the open gate still asks about design → development.
    await makeProject(h, 'moved', { stakeholders: [ANA] });
    await command(OWNER, 'gate moved --deadline 48h');
    await settle(h);
    const msg = lastGateMessage(h);
    const gate = await latestGate(h);
    await h.database.db.update(projects).set({ phase: 'deployment' }).where(eq(projects.id, gate.projectId));
    await vote(h, ANA, msg, 'Go');
    await settle(h);
    expect((await findProject(h.database.db, h.slack.teamId, 'moved'))!.phase).toBe('deployment');
    expect((await gateRows(h)).find((g) => g.id === gate.id)).toMatchObject({ status: 'closed', outcome: 'superseded' });
    expect(thread(msg).at(-1)!.text).toContain('Closed without a decision: moved is in deployment now, no longer in design');
    expect(buttonLabels(msg)).toEqual([]);
  });

  it('requestGate opens a gate with the defaults for other features, and explains refusals', async () => {
    const project = await makeProject(h, 'requested', { stakeholders: [ANA, RAJ, LEE] });
    const ok = await requestGate(h.app.deps, { teamId: h.slack.teamId, projectId: project.id, requestedBy: ANA, toPhase: 'retired', reason: 'Two check-ins in a row said Not viable' });
    expect(ok).toMatchObject({ ok: true });
    expect(ok.message).toContain('design → retired');
    const again = await requestGate(h.app.deps, { teamId: h.slack.teamId, projectId: project.id, requestedBy: ANA, toPhase: 'retired' });
    expect(again).toMatchObject({ ok: false, message: expect.stringContaining('already has an open gate') });
    await settle(h);
    const msg = lastGateMessage(h);
    expect(blockTexts(msg)).toContain('Should requested continue, or stop and be retired?');
    expect(blockTexts(msg)).toContain('Requested because: Two check-ins in a row said Not viable');
  });
});

import { describe, expect, it } from 'vitest';
import { blockErrors, viewErrors } from '../../src/sandbox/emulator/block-limits.js';
import type { Block } from '../../src/messages/blocks.js';
import { esc, section } from '../../src/messages/blocks.js';
import { gateMessage, gateResultMessage, type GateResult, gateSupersededReply, type GateView, lastGateSection, MAX_EVIDENCE_BLOCKS, mentionList, noGoModal } from '../../src/messages/gate.js';
import { escapedSectionTexts, splitForEscape } from '../../src/messages/blocks.js';
import { NoGoMetadata, parseOwnerMenuValue, parseVoteAction, voteActionId } from '../../src/messages/ids/gate.js';

const voters = (n: number) => Array.from({ length: n }, (_, i) => `U0VOTER${String(i).padStart(4, '0')}`);

const base: GateView = {
  gateId: 42,
  slug: 'churn',
  fromPhase: 'development',
  toPhase: 'deployment',
  question: 'Ship <it> & see?',
  reason: null,
  openedBy: 'U0OWNER',
  voters: ['U0ANA', 'U0RAJ', 'U0LEE'],
  quorum: 2,
  deadline: new Date('2026-12-01T17:00:00Z'),
  anonymous: false,
  status: 'open',
  outcome: null,
  tally: { go: 1, noGo: 1, abstain: 0, total: 2 },
  voted: ['U0ANA', 'U0RAJ'],
  evidence: [{ type: 'section', text: { type: 'mrkdwn', text: '*auc* 0.87 (target ≥ 0.85) :white_check_mark:' } }],
  openedAt: new Date('2026-11-29T17:00:00Z'),
  closedAt: null,
  phaseChanged: null,
};

const buttons = (blocks: Block[]) => blocks.flatMap((b) => (((b as { elements?: unknown }).elements as Record<string, unknown>[] | undefined) ?? []).filter((e) => e.type === 'button')) as { text: { text: string }; action_id: string; value: string; style?: string; confirm?: unknown }[];
const byId = (blocks: Block[], id: string) => (blocks.find((b) => b.block_id === id) as { text: { text: string } } | undefined)?.text.text ?? '';

describe('gate message', () => {
  it('an open gate has Go, No-go and Abstain carrying the gate id, and the owner controls in a menu that asks to confirm', () => {
    const { blocks } = gateMessage(base);
    const b = buttons(blocks);
    expect(b.map((x) => x.text.text)).toEqual(['Go', 'No-go', 'Abstain']);
    expect(b.map((x) => parseVoteAction(x.action_id))).toEqual(['go', 'no_go', 'abstain']);
    expect(new Set(b.map((x) => x.value))).toEqual(new Set(['42']));
    expect(b.find((x) => x.text.text === 'No-go')!.style).toBe('danger');
    const menu = blocks.flatMap((x) => ((x as { elements?: Record<string, unknown>[] }).elements ?? []).filter((e) => e.type === 'overflow'))[0] as { action_id: string; options: { text: { text: string }; value: string }[]; confirm?: unknown };
    expect(menu.options.map((o) => [o.text.text, parseOwnerMenuValue(o.value)])).toEqual([
      ['Close now', { what: 'close', gateId: 42 }],
      ['Cancel gate', { what: 'cancel', gateId: 42 }],
    ]);
    expect(menu.confirm).toBeDefined();
    expect(blockErrors(blocks, 'message')).toEqual([]);
  });

  it('puts the question, the deadline (once), the tally and the buttons before the evidence, and names the vote Named or Anonymous', () => {
    const { blocks } = gateMessage({ ...base, links: { brief: 'https://x.slack.com/archives/C1/p1', runs: 'https://x.slack.com/archives/C1/p2' } });
    const at = (pred: (b: Block) => boolean) => blocks.findIndex(pred);
    const question = at((b) => JSON.stringify(b).includes('Ship &lt;it&gt;'));
    const tallyAt = at((b) => b.block_id === 'tally');
    const buttonsAt = at((b) => b.type === 'actions');
    const evidenceAt = at((b) => JSON.stringify(b).includes('*Evidence*'));
    expect([question, tallyAt, buttonsAt, evidenceAt]).toEqual([...[question, tallyAt, buttonsAt, evidenceAt]].sort((x, y) => x - y));
    expect(question).toBeGreaterThan(-1);
    const all = JSON.stringify(blocks);
    expect(all.split(`<!date^${Date.parse('2026-12-01T17:00:00Z') / 1000}^`).length - 1).toBe(1);
    expect(all).toContain('*Named votes*');
    expect(all).not.toContain('*Mode*');
    expect(all).toContain('<https://x.slack.com/archives/C1/p1|Design brief> · <https://x.slack.com/archives/C1/p2|Latest run and leaderboard>');
    expect(JSON.stringify(gateMessage({ ...base, anonymous: true, voted: null }).blocks)).toContain('*Anonymous votes*');
  });

  it('shows evidence, the escaped question, the deadline as Slack date markup and the live tally', () => {
    const { blocks, text } = gateMessage(base);
    const all = JSON.stringify(blocks);
    expect(all).toContain('*auc* 0.87 (target ≥ 0.85)');
    expect(all).toContain('Ship &lt;it&gt; &amp; see?');
    expect(byId(blocks, 'tally')).toContain(`<!date^${Date.parse('2026-12-01T17:00:00Z') / 1000}^`);
    expect(byId(blocks, 'tally')).toContain('*Go:* 1   *No-go:* 1   *Abstain:* 0   (2 of 3 voted, quorum reached)');
    expect(byId(blocks, 'voted')).toBe('*Voted (2 of 3):* <@U0ANA>, <@U0RAJ>');
    expect(text).toContain('Go 1, No-go 1, Abstain 0');
  });

  it('escapes the question in the notification text too, so a typed <!here> pings nobody', () => {
    const { text } = gateMessage({ ...base, question: 'Ship it? <!here> <!channel> <@U0ANA> & co' });
    expect(text).toContain('Ship it? &lt;!here&gt; &lt;!channel&gt; &lt;@U0ANA&gt; &amp; co');
    expect(text).not.toMatch(/<!(here|channel)/);
    expect(text).not.toContain('<@U0ANA>');
  });

  it('hides the counts while a gate with hidden results is open, in the blocks and the notification text, and shows them at close', () => {
    const open = gateMessage({ ...base, hideResults: true });
    expect(byId(open.blocks, 'tally')).toContain('2 of 3 voted');
    expect(byId(open.blocks, 'tally')).not.toContain('*Go:*');
    expect(open.text).toContain('2 of 3 voted');
    expect(open.text).not.toContain('No-go 1');
    const closed = gateMessage({ ...base, hideResults: true, status: 'closed', outcome: 'no_go', closedAt: new Date() });
    expect(byId(closed.blocks, 'tally')).toContain('*Go:* 1   *No-go:* 1');
  });

  it('hides names while an anonymous gate is open', () => {
    const { blocks } = gateMessage({ ...base, anonymous: true, voted: null });
    expect(byId(blocks, 'voted')).toContain('2 of 3');
    expect(byId(blocks, 'voted')).not.toContain('<@');
  });

  it.each([
    ['go', true, 'Closed: GO* — the project moved to *deployment*'],
    ['go', false, 'the project had already left development'],
    ['no_go', null, 'Closed: NO-GO* — the project stays in *development*'],
    ['no_quorum', null, 'Closed: NO QUORUM*'],
  ] as const)('a closed gate (%s) has no buttons and says what happened', (outcome, phaseChanged, expected) => {
    const { blocks } = gateMessage({ ...base, status: 'closed', outcome, phaseChanged, closedAt: new Date() });
    expect(buttons(blocks)).toEqual([]);
    expect(byId(blocks, 'tally')).toContain(expected);
  });

  it('stays inside Slack limits with 200 voters and a flood of evidence', () => {
    const many = voters(200);
    const evidence = Array.from({ length: 80 }, (_, i) => section(`metric ${i}`));
    const { blocks } = gateMessage({ ...base, voters: many, voted: many, evidence, tally: { go: 200, noGo: 0, abstain: 0, total: 200 } });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blockErrors(blocks, 'message')).toEqual([]);
    expect(JSON.stringify(blocks)).toContain(`…${80 - MAX_EVIDENCE_BLOCKS} more evidence blocks`);
    expect(byId(blocks, 'voted')).toMatch(/and \d+ more$/);
    expect(byId(blocks, 'tally')).toContain('*Go:* 200');
  });
});

describe('mentionList', () => {
  it.each([
    [[], 40, '—'],
    [['U1', 'U2'], 40, '<@U1>, <@U2>'],
    [['U1', 'U2', 'U3', 'U4'], 20, '<@U1>, <@U2> and 2 more'],
  ])('%j within %i characters', (ids, max, expected) => {
    expect(mentionList(ids, max)).toBe(expected);
  });
});

describe('gate result', () => {
  const result: GateResult = {
    slug: 'churn',
    fromPhase: 'development',
    toPhase: 'deployment',
    outcome: 'no_go',
    tally: { go: 1, noGo: 2, abstain: 0, total: 3 },
    quorum: 2,
    anonymous: false,
    phaseChanged: null,
    ballots: [
      { voter: 'U0ANA', vote: 'go', reason: null },
      { voter: 'U0RAJ', vote: 'no_go', reason: 'No rollback plan.' },
      { voter: 'U0LEE', vote: 'no_go', reason: 'Latency p95 is 310 ms.' },
    ],
    reasons: ['Latency p95 is 310 ms.', 'No rollback plan.'],
    voted: ['U0ANA', 'U0LEE', 'U0RAJ'],
    notVoted: ['U0SAM'],
    closedBy: 'deadline',
  };

  it('names each vote and each No-go reason on a named gate', () => {
    const { blocks, text } = gateResultMessage(result);
    const all = JSON.stringify(blocks);
    expect(all).toContain('*No-go:* <@U0RAJ>, <@U0LEE>');
    expect(all).toContain('<@U0RAJ>: No rollback plan.');
    expect(all).toContain('Did not vote: <@U0SAM>');
    expect(text).toMatch(/^NO-GO for churn development → deployment: Go 1, No-go 2, Abstain 0\./);
  });

  it('an anonymous result has counts and unattributed reasons only', () => {
    const { blocks, text } = gateResultMessage({ ...result, anonymous: true, ballots: null });
    const all = JSON.stringify(blocks) + text;
    expect(all).toContain('• No rollback plan.');
    expect(all).not.toMatch(/<@U0[A-Z]+>: /);
    expect(all).not.toContain('*No-go:* <@');
  });

  it.each<[string, GateResult]>([
    ['named', result],
    ['anonymous', { ...result, anonymous: true, ballots: null, reasons: ['<!here> wake up & look', '<!channel>'] }],
  ])('escapes No-go reasons in the notification text of a %s result', (_, r) => {
    const evil = { ...r, ballots: r.ballots ? r.ballots.map((b) => (b.vote === 'no_go' ? { ...b, reason: '<!here> wake up & look' } : b)) : null };
    const { text } = gateResultMessage(evil);
    expect(text).toContain('&lt;!here&gt; wake up &amp; look');
    expect(text).not.toMatch(/<!(here|channel)/);
    if (r.ballots) expect(text).toContain('<@U0RAJ>: &lt;!here&gt;'); // the app's own mention stays live
  });

  const sectionsOf = (blocks: Block[]) => blocks.filter((b) => b.type === 'section').map((b) => ((b as { text?: unknown }).text as { text: string }).text);

  it('a 2,000-character reason full of & and < (five times longer escaped) is split, not cut: every character arrives', () => {
    const nasty = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? '&' : i % 3 === 1 ? '<' : 'é')).join('');
    const words = Array.from({ length: 400 }, (_, i) => `w${i}&<>`).join(' ').slice(0, 2000);
    const ballots = [
      { voter: 'U0ANA', vote: 'go' as const, reason: null },
      { voter: 'U0RAJ', vote: 'no_go' as const, reason: nasty },
      { voter: 'U0LEE', vote: 'no_go' as const, reason: 'Short & sweet.' },
      { voter: 'U0SAM', vote: 'no_go' as const, reason: words },
    ];
    const { blocks } = gateResultMessage({ ...result, ballots });
    expect(blockErrors(blocks, 'message')).toEqual([]);
    const sections = sectionsOf(blocks);
    for (const t of sections) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect(t.endsWith('…')).toBe(false); // clip() never had to cut
      expect(t).not.toMatch(/&[a-z]*$/); // no escape split across sections
    }
    const reasons = sections.slice(sections.findIndex((t) => t.startsWith('*No-go reasons*'))).join('');
    expect(reasons).toContain(`• <@U0RAJ>: ${esc(nasty)}`);
    expect(reasons).toContain('• <@U0LEE>: Short &amp; sweet.');
    expect(reasons.replace(/\n/g, '')).toContain(`• <@U0SAM>: ${esc(words)}`);
    // The escaped reason is about 9,000 characters: several sections, none over the limit.
    expect(sections.filter((t) => t.includes('&amp;&lt;')).length).toBeGreaterThanOrEqual(3);
  });

  it('splits raw text by its escaped length, between code points and after a nearby space', () => {
    expect(splitForEscape('&&&&', 10, 10)).toEqual(['&&', '&&']);
    expect(splitForEscape('ab 😀cd', 4, 4).join('')).toBe('ab 😀cd');
    expect(splitForEscape('hello world again', 13, 13)).toEqual(['hello world ', 'again']);
    const pieces = escapedSectionTexts('*T*', [{ prefix: '• ', raw: '<'.repeat(100) }], 60);
    expect(pieces.every((p) => p.length <= 60)).toBe(true);
    // Too little room left under the title: the long reason starts in a section of its own.
    expect(pieces[0]).toBe('*T*');
    expect(pieces.slice(1).join('')).toBe(`• ${'&lt;'.repeat(100)}`);
  });

  it('many long reasons: the message stays within 50 blocks and says that some did not fit; the text is cut cleanly', () => {
    const ballots = Array.from({ length: 30 }, (_, i) => ({ voter: `U0X${i}`, vote: 'no_go' as const, reason: '&'.repeat(2000) }));
    const { blocks, text } = gateResultMessage({ ...result, ballots });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blockErrors(blocks, 'message')).toEqual([]);
    expect(JSON.stringify(blocks)).toMatch(/more sections of No-go reasons did not fit/);
    expect(text.length).toBeLessThanOrEqual(3900);
    expect(text).toMatch(/(&amp;)+…$/);
  });

  it('long reasons are split over sections within the 3,000-character limit', () => {
    const long = Array.from({ length: 6 }, (_, i) => ({ voter: `U0X${i}`, vote: 'no_go' as const, reason: 'x'.repeat(1900) }));
    const { blocks } = gateResultMessage({ ...result, ballots: long });
    expect(blockErrors(blocks, 'message')).toEqual([]);
    expect(JSON.stringify(blocks).match(/x{1900}/g)).toHaveLength(6);
  });
});

describe('a gate closed without a decision (superseded)', () => {
  const closed: GateView = { ...base, status: 'closed', outcome: 'superseded', closedAt: new Date('2026-11-30T09:00:00Z'), phaseChanged: null };

  it('has no buttons, says it decided nothing and does not claim a move', () => {
    const { blocks, text } = gateMessage(closed);
    expect(buttons(blocks)).toEqual([]);
    expect(byId(blocks, 'tally')).toContain('*Closed without a decision* — the project left *development* before this vote closed');
    expect(byId(blocks, 'tally')).not.toContain('moved to');
    expect(byId(blocks, 'tally')).toContain('*Go:* 1   *No-go:* 1');
    expect(text).toContain('(closed: NO DECISION, superseded)');
    expect(blockErrors(blocks, 'message')).toEqual([]);
  });

  it('the thread reply names the move that superseded it and what it had asked, with the slug escaped', () => {
    const byGate = gateSupersededReply({ slug: 'churn', fromPhase: 'design', toPhase: 'retired', cause: { kind: 'moved', from: 'design', to: 'development', via: 'gate' } });
    expect(byGate.text).toMatch(/^Closed without a decision: churn moved from design to development by a GO on its design → development gate; this gate asked about design → retired\./);
    expect(JSON.stringify(byGate.blocks)).toContain('Closed without a decision: churn moved from design to development');
    const byOwner = gateSupersededReply({ slug: 'churn', fromPhase: 'design', toPhase: 'retired', cause: { kind: 'moved', from: 'design', to: 'development', via: 'override', actorId: 'U0OWNER' } });
    expect(byOwner.text).toContain("by <@U0OWNER>'s owner override");
    const found = gateSupersededReply({ slug: 'a<!here>&b', fromPhase: 'design', toPhase: 'development', cause: { kind: 'elsewhere', phase: 'deployment' } });
    expect(found.text).toContain('Closed without a decision: a&lt;!here&gt;&amp;b is in deployment now, no longer in design; this gate asked about design → development.');
    expect(JSON.stringify(found.blocks)).not.toContain('<!here>');
  });

  it('the status line never calls it a GO or NO-GO', () => {
    const text = JSON.stringify(lastGateSection({ fromPhase: 'design', toPhase: 'retired', outcome: 'superseded', closedAt: new Date('2026-11-30T09:00:00Z'), tally: base.tally }));
    expect(text).toContain('with *NO DECISION, superseded*');
  });
});

describe('No-go modal and ids', () => {
  it('asks for a required reason of at most 2,000 characters and remembers the gate', () => {
    const view = noGoModal({ gateId: 7, channelId: 'C1', question: 'Ship?' });
    expect(viewErrors(view)).toEqual([]);
    const input = (view.blocks as Block[]).find((b) => b.type === 'input') as unknown as { optional?: boolean; element: { max_length: number; multiline: boolean } };
    expect(input.optional).toBeUndefined();
    expect(input.element).toMatchObject({ max_length: 2000, multiline: true });
    expect(NoGoMetadata.parse(JSON.parse(String(view.private_metadata)))).toEqual({ gateId: 7, channelId: 'C1' });
  });

  it.each([
    ['gate.vote.go', 'go'],
    ['gate.vote.no_go', 'no_go'],
    ['gate.vote.abstain', 'abstain'],
    ['gate.vote.maybe', null],
    ['gate.close', null],
  ] as const)('parseVoteAction(%s) = %s', (id, expected) => {
    expect(parseVoteAction(id)).toBe(expected);
    if (expected) expect(voteActionId(expected)).toBe(id);
  });
});

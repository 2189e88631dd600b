import { describe, expect, it } from 'vitest';
import { summarizeResponses } from '../../src/domain/viability/summary.js';
import { type Block, esc, section } from '../../src/messages/blocks.js';
import { checkinDmMessage, checkinMessage, commentModal, escalationMessage, summaryMessages, withTally } from '../../src/messages/viability.js';
import { parseAnswerActionId, VIABILITY_IDS } from '../../src/messages/ids/viability.js';

type Button = { type: string; text: { text: string }; action_id: string; value?: string; style?: string };
const buttons = (blocks: Block[]): Button[] => blocks.flatMap((b) => (((b as { elements?: unknown }).elements as Button[] | undefined) ?? []).filter((e) => e.type === 'button'));
const button = (blocks: Block[], label: string) => buttons(blocks).find((b) => b.text.text === label);
const text = (blocks: Block[] | Block) => JSON.stringify(blocks);

const base = { slug: 'churn-model', checkinId: 42, closesAt: new Date('2026-03-02T09:00:00Z'), facts: ['In the *development* phase for 3d'], signals: [], counts: { on_track: 0, at_risk: 0, not_viable: 0 }, askees: ['U0CHEN', 'U0DANA', 'U0EMIL'], trend: [] };
const who = (answered: string[]) => ({ askees: base.askees, answered });

describe('checkinMessage', () => {
  it('asks the question and offers On track, At risk, Not viable and a comment, each carrying the check-in id', () => {
    const { blocks, text: fallback } = checkinMessage(base);
    expect(fallback).toContain('Is the project still viable? Is it delivering value?');
    for (const label of ['On track', 'At risk', 'Not viable', 'Add comment']) expect(button(blocks, label)?.value).toBe('42');
    expect(parseAnswerActionId(button(blocks, 'At risk')!.action_id)).toBe('at_risk');
    expect(button(blocks, 'Not viable')?.style).toBe('danger');
    expect(text(blocks)).toContain('development');
  });

  it('keeps within 50 blocks however many signal sections other features contribute', () => {
    const signals = Array.from({ length: 80 }, (_, i) => section(`signal ${i}`));
    expect(checkinMessage({ ...base, signals }).blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('withTally', () => {
  const posted = checkinMessage({ ...base, signals: [{ type: 'section', text: { type: 'mrkdwn', text: 'best auc 0.91' } }] }).blocks;

  it('replaces only the tally, keeping the signals and buttons as posted', () => {
    const next = withTally(posted, { on_track: 2, at_risk: 1, not_viable: 0 }, who([]));
    expect(text(next)).toContain('On track 2 · At risk 1 · Not viable 0');
    expect(text(next)).toContain('best auc 0.91');
    expect(buttons(next)).toHaveLength(4);
  });

  it('once closed, drops the buttons and names the result', () => {
    const closed = withTally(posted, { on_track: 0, at_risk: 1, not_viable: 2 }, who([]), { verdict: 'not_viable', at: new Date('2026-03-02T09:00:00Z') });
    expect(buttons(closed)).toHaveLength(0);
    expect(text(closed)).toContain('result: *Not viable*');
    expect(closed.find((b) => b.block_id === VIABILITY_IDS.actionsBlock)).toBeUndefined();
  });
});

describe('who is asked, who answered, the trend', () => {
  it('mentions the people asked at the top and waits on all of them before anyone answered', () => {
    const { blocks } = checkinMessage(base);
    expect(text(blocks.slice(0, 3))).toContain('<@U0CHEN> <@U0DANA> <@U0EMIL> — is *churn-model* still worth it?');
    expect(text(blocks.find((b) => b.block_id === VIABILITY_IDS.tallyBlock)!)).toContain('Waiting on: <@U0CHEN>, <@U0DANA>, <@U0EMIL>');
  });

  it('shows who answered, not what, and after the close whom it did not hear from', () => {
    const posted = checkinMessage(base).blocks;
    const tally = (bs: Block[]) => text(bs.find((b) => b.block_id === VIABILITY_IDS.tallyBlock)!);
    expect(tally(withTally(posted, { on_track: 1, at_risk: 1, not_viable: 0 }, who(['U0CHEN', 'U0DANA'])))).toContain('Answered: <@U0CHEN>, <@U0DANA> · Waiting on: <@U0EMIL>');
    const closed = withTally(posted, { on_track: 1, at_risk: 0, not_viable: 0 }, who(['U0DANA']), { verdict: 'on_track', at: base.closesAt });
    expect(tally(closed)).toContain('Answered: <@U0DANA> · No answer from: <@U0CHEN>, <@U0EMIL>');
    expect(tally(withTally(posted, { on_track: 3, at_risk: 0, not_viable: 0 }, who(['U0EMIL', 'U0CHEN', 'U0DANA'])))).not.toContain('Waiting on');
  });

  it('shows the trend oldest first with the dates, and nothing without closed check-ins', () => {
    const trend = [
      { verdict: 'on_track' as const, closedAt: new Date('2026-02-02T09:00:00Z') },
      { verdict: 'at_risk' as const, closedAt: new Date('2026-02-09T09:00:00Z') },
      { verdict: 'not_viable' as const, closedAt: new Date('2026-02-16T09:00:00Z') },
      { verdict: 'no_responses' as const, closedAt: new Date('2026-02-23T09:00:00Z') },
    ];
    const block = checkinMessage({ ...base, trend }).blocks.find((b) => b.block_id === VIABILITY_IDS.trendBlock)!;
    expect(text(block)).toContain('*Last 4:* 🟢 🟡 🔴 ⚪');
    expect(text(block)).toMatch(/2026-02-02 09:00 UTC> On track · .*2026-02-23 09:00 UTC> No responses/);
    expect(checkinMessage(base).blocks.find((b) => b.block_id === VIABILITY_IDS.trendBlock)).toBeUndefined();
  });

  it('a second silent check-in in a row says so on its message instead of pointing to a summary', () => {
    const posted = checkinMessage(base).blocks;
    const zero = { on_track: 0, at_risk: 0, not_viable: 0 };
    const first = withTally(posted, zero, who([]), { verdict: 'no_responses', at: base.closesAt, silentRun: 1 });
    expect(text(first)).toContain('result: *No responses* — the summary is in the thread');
    const third = withTally(posted, zero, who([]), { verdict: 'no_responses', at: base.closesAt, silentRun: 3 });
    expect(text(third)).toContain('No answers (3rd silent check-in in a row).');
    expect(text(third)).not.toContain('summary is in the thread');
  });
});

describe('checkinDmMessage', () => {
  const dm = (reminder: boolean, permalink: string | null) => checkinDmMessage({ slug: 'a<b', checkinId: 42, closesAt: base.closesAt, channelId: 'C0CHURN', permalink, reminder });

  it('carries the answer buttons of the check-in and a link to its message', () => {
    const { blocks, text: fallback } = dm(true, 'https://x.slack.com/archives/C0CHURN/p1');
    for (const label of ['On track', 'At risk', 'Not viable']) expect(button(blocks, label)?.value).toBe('42');
    expect(button(blocks, 'Add comment')).toBeUndefined();
    expect(text(blocks)).toContain('<https://x.slack.com/archives/C0CHURN/p1|the check-in> in <#C0CHURN>');
    expect(fallback).toMatch(/^Reminder: the viability check-in of a&lt;b closes/);
  });

  it('names the channel when the message has no link yet', () => {
    expect(text(dm(false, null).blocks)).toContain('the check-in in <#C0CHURN>');
  });
});

describe('summaryMessages', () => {
  const summaryMessage = (d: Parameters<typeof summaryMessages>[0]) => {
    const messages = summaryMessages(d);
    expect(messages).toHaveLength(1);
    return messages[0]!;
  };
  const summary = summarizeResponses([
    { userId: 'U1', answer: 'on_track', comment: 'fine <b>' },
    { userId: 'U2', answer: 'at_risk', comment: null },
  ]);

  it('shows the exact counts and escaped comments with their authors', () => {
    const { blocks } = summaryMessage({ slug: 'churn-model', summary });
    expect(text(blocks)).toContain('On track: *1*');
    expect(text(blocks)).toContain('At risk: *1*');
    expect(text(blocks)).toContain('<@U1> (On track): fine &lt;b&gt;');
    expect(text(blocks)).not.toContain('generated');
  });

  it('labels an LLM synthesis as generated', () => {
    const { blocks } = summaryMessage({ slug: 'churn-model', summary, synthesis: 'Mostly confident.' });
    expect(text(blocks)).toContain('Mostly confident.');
    expect(text(blocks)).toMatch(/generated by an LLM/);
  });

  it('says so when nobody answered', () => {
    expect(text(summaryMessage({ slug: 'x', summary: summarizeResponses([]) }).blocks)).toContain('Nobody answered');
  });

  it('20 long comments full of & and < are split over sections and messages, none clipped or lost', () => {
    // Escaped, each comment grows to about 9000 characters: 20 of them need more than 50 sections.
    const comment = (i: number) => `#${i} R&D says <thresholds> & "labels" are late; ${'&< &<<&&'.repeat(250)}`.slice(0, 2000);
    const longWord = `<${'&'.repeat(1999)}`;
    const responses = Array.from({ length: 20 }, (_, i) => ({ userId: `U${i}`, answer: 'at_risk' as const, comment: i === 7 ? longWord : comment(i) }));
    const messages = summaryMessages({ slug: 'churn-model', summary: summarizeResponses(responses), synthesis: 'Mixed & <worried>.' });
    expect(messages.length).toBeGreaterThan(1);
    const sections: string[] = [];
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      for (const b of m.blocks) {
        const t = ((b as { text?: unknown }).text as { text?: string } | undefined)?.text;
        if (b.type !== 'section' || !t) continue;
        expect(t.length).toBeLessThanOrEqual(3000);
        expect(t.endsWith('…')).toBe(false);
        sections.push(t);
      }
    }
    const all = sections.join('');
    // Every comment is there whole, escaped: no raw < or & outside mentions and escapes.
    for (const r of responses) expect(all).toContain(`• <@${r.userId}> (At risk): ${esc(r.comment)}`);
    expect(all.replace(/<@U\d+>/g, '').replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[<&]/);
    // The synthesis closes the last message.
    expect(text(messages.at(-1)!.blocks)).toContain('Mixed &amp; &lt;worried&gt;.');
    expect(messages[0]!.text).toContain('closed: At risk (20 answers)');
    expect(messages[1]!.text).toContain('comments, continued (2/');
  });

  it('a few short comments stay in one section of one message', () => {
    const [only] = summaryMessages({ slug: 'x', summary: summarizeResponses([{ userId: 'U1', answer: 'on_track', comment: 'a' }, { userId: 'U2', answer: 'not_viable', comment: 'b' }]) });
    expect(only!.blocks.filter((b) => b.type === 'section')).toHaveLength(2);
    expect(text(only!.blocks)).toContain('*Comments*\\n• <@U1> (On track): a\\n• <@U2> (Not viable): b');
  });

  it('escapes user text in the notification fallbacks', () => {
    const slug = 'a&b<c>';
    expect(checkinMessage({ ...base, slug }).text).toContain('a&amp;b&lt;c&gt;');
    expect(summaryMessages({ slug, summary: summarizeResponses([]) })[0]!.text).toContain('a&amp;b&lt;c&gt;');
    expect(escalationMessage({ slug, reason: 'at_risk_twice', checkinId: 1 }).text).toContain('a&amp;b&lt;c&gt;');
  });
});

describe('escalationMessage and commentModal', () => {
  it('the proposal has one button that opens the continue/stop gate for the check-in', () => {
    const { blocks } = escalationMessage({ slug: 'churn-model', reason: 'at_risk_twice', checkinId: 7 });
    expect(button(blocks, 'Open continue/stop gate')).toMatchObject({ action_id: VIABILITY_IDS.escalate, value: '7' });
    expect(text(blocks)).toContain('second check-in in a row');
  });

  it('the modal is prefilled with the current answer and comment and remembers the check-in', () => {
    const view = commentModal({ slug: 'churn-model', checkinId: 7, answer: 'at_risk', comment: 'data late' });
    expect(JSON.parse(view.private_metadata as string)).toEqual({ checkinId: 7 });
    const answer = view.blocks.find((b) => b.block_id === VIABILITY_IDS.answerInput) as unknown as { element: { initial_option: { value: string } } };
    expect(answer.element.initial_option.value).toBe('at_risk');
    const comment = view.blocks.find((b) => b.block_id === VIABILITY_IDS.commentInput) as unknown as { optional: boolean; element: { initial_value: string } };
    expect(comment).toMatchObject({ optional: true, element: { initial_value: 'data late' } });
  });
});

import { describe, expect, it, vi } from 'vitest';
import { summarizeRun } from '../../src/domain/experiments/summary.js';
import type { Brief } from '../../src/domain/intake/brief.js';
import { gateMessage, type GateView, noGoModal } from '../../src/messages/gate.js';
import { voteActionId } from '../../src/messages/ids/gate.js';
import { briefBlockId } from '../../src/messages/ids/intake.js';
import { VIABILITY_IDS } from '../../src/messages/ids/viability.js';
import { homeView } from '../../src/messages/home.js';
import { designBriefMessage, editBriefModal } from '../../src/messages/intake.js';
import { incidentMessage } from '../../src/messages/drift.js';
import { runSummaryMessage } from '../../src/messages/run-summary.js';
import { checkinDmMessage, checkinMessage, commentModal } from '../../src/messages/viability.js';
import { type BlockAction, type BlockContext, fieldName, readValues, renderBlocks, secondsToZoned, zonedToSeconds } from '../../src/sandbox/page/static/blocks.js';
import { gateFormModal } from '../../src/messages/forms/gate-form.js';
import { scheduleFormModal } from '../../src/messages/forms/schedule-form.js';
import { all, html, type Node, text } from '../helpers/vnodes.js';

const byClass = (x: unknown, cls: string) => all(x, (n) => String(n.props.class ?? '').split(' ').includes(cls));
const ofType = (x: unknown, type: string) => all(x, (n) => n.type === type);
const click = (n: Node | undefined) => (n?.props.onClick as () => void)();

const users = [{ id: 'U0ANA', name: 'Ana' }, { id: 'U0RAJ', name: 'Raj' }, { id: 'U0OWNER', name: 'Olive' }];
const channels = [{ id: 'C0FRAUD', name: 'fraud-detection' }];
const NOW = new Date('2026-11-30T12:00:00Z');
function render(blocks: readonly unknown[], over: Partial<BlockContext<Node>> = {}) {
  const actions: BlockAction[] = [];
  const ctx: BlockContext<Node> = { html, users, channels, tz: 'Europe/London', now: () => NOW, onAction: (a) => actions.push(a), fileUrl: (id) => `/files/${id}`, ...over };
  return { tree: renderBlocks(blocks, ctx), actions };
}
const unsupported = (tree: Node) => byClass(tree, 'bk-unsupported').map((n) => text(byClass(n, 'bk-unsupported-title')));

const gate: GateView = {
  gateId: 42,
  slug: 'churn',
  fromPhase: 'development',
  toPhase: 'deployment',
  question: 'Ship <it> & see?',
  reason: 'Targets met',
  openedBy: 'U0OWNER',
  voters: ['U0ANA', 'U0RAJ'],
  quorum: 2,
  deadline: new Date('2026-12-01T17:00:00Z'),
  anonymous: false,
  status: 'open',
  outcome: null,
  tally: { go: 1, noGo: 0, abstain: 0, total: 1 },
  voted: ['U0ANA'],
  evidence: [{ type: 'section', text: { type: 'mrkdwn', text: '*auc* 0.87 (target ≥ 0.85) :white_check_mark:' } }],
  openedAt: new Date('2026-11-29T17:00:00Z'),
  closedAt: null,
  phaseChanged: null,
};

const brief: Brief = {
  problem: 'Agents route <tickets> by hand; ask <@U0RAJ>.',
  whyMl: 'Rules get 40%.',
  requirements: 'Within a minute.',
  successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.85 }],
  dataSources: 'Zendesk.',
  stakeholders: ['U0ANA', 'U0GONE'],
  risks: 'Misrouting.',
  timeline: 'June.',
};

describe('the app’s own messages and views', () => {
  const summary = summarizeRun({ run: { id: 9, name: 'rf', metrics: { auc: 0.9 } }, targets: brief.successMetrics, bestBefore: new Map(), rank: { metric: 'auc', position: 1, of: 4 }, earlierRunMetAll: false });
  const surfaces: [string, readonly unknown[]][] = [
    ['gate message', gateMessage(gate).blocks],
    ['closed gate', gateMessage({ ...gate, status: 'closed', outcome: 'go', phaseChanged: true, closedAt: NOW }).blocks],
    ['design brief', designBriefMessage({ slug: 'ticket-router', projectId: 7, brief, requesterId: 'U0ANA', assessment: 'ML fits.' }).blocks],
    ['run summary', runSummaryMessage({ projectSlug: 'churn', projectId: 3, runId: 9, loggedBy: '<@U0RAJ>', summary, canRequestDeploymentGate: true, narrative: 'Good.', details: { note: 'Deeper trees.', dataset: 'v3', commit: { sha: 'abc1234', url: 'https://git.example/c/abc1234' } } }).blocks],
    ['check-in', checkinMessage({ slug: 'churn', checkinId: 5, closesAt: NOW, facts: ['In *development* for 3d'], signals: [], counts: { on_track: 1, at_risk: 0, not_viable: 0 }, askees: ['U0ANA', 'U0BEN'], trend: [{ verdict: 'on_track', closedAt: NOW }, { verdict: 'at_risk', closedAt: NOW }] }).blocks],
    ['check-in DM', checkinDmMessage({ slug: 'churn', checkinId: 5, closesAt: NOW, channelId: 'C0FRAUD', permalink: 'https://sandbox.slack.com/archives/C0FRAUD/p1700000000000100', reminder: true }).blocks],
    ['drift alert', incidentMessage({ incidentId: 3, slug: 'churn', ownerId: 'U0OWNER', status: 'open', severity: 'critical', openedAt: NOW, changedBy: null, changedAt: null, snoozedUntil: null, escalatedAt: null, resolvedAt: null, ackTimeoutMinutes: 30, report: null }).blocks],
    [
      'App Home',
      homeView({
        userId: 'U0ANA',
        projects: [{ slug: 'churn', phase: 'development', ownerId: 'U0ANA', channelId: 'C0FRAUD', primary: { name: 'auc', direction: 'maximize', target: 0.85, best: 0.88, met: true } }],
        awaitingVote: { items: [{ gateId: 42, slug: 'churn', fromPhase: 'development', toPhase: 'deployment', question: 'Ship?', channelId: 'C0FRAUD', deadline: gate.deadline, anonymous: false, permalink: 'https://sandbox.slack.com/archives/C0FRAUD/p1700000000000100' }], total: 1 },
        checkins: { items: [{ checkinId: 5, slug: 'churn', channelId: 'C0FRAUD', closesAt: NOW, permalink: null }], total: 1 },
      }).blocks,
    ],
    ['No-go modal', noGoModal({ gateId: 42, channelId: 'C0FRAUD', question: 'Ship?' }).blocks],
    ['Edit brief modal', editBriefModal(brief, { projectId: 7, channelId: 'C0FRAUD', ts: '1.2', version: 1 }).blocks],
    ['comment modal', commentModal({ slug: 'churn', checkinId: 5, answer: 'at_risk', comment: 'Labels are late.' }).blocks],
    ['gate form', gateFormModal({ projects: [{ id: 3, slug: 'churn' }], project: { id: 3, slug: 'churn', phase: 'development', phases: ['deployment', 'design', 'retired'], stakeholders: ['U0ANA'], byOwner: false }, deadline: NOW }).blocks],
    ['schedule form', scheduleFormModal({ projectId: 3, slug: 'churn', cadence: 'weekly mon 09:00', tz: 'Europe/Berlin', preview: { ok: false, message: 'Not yet.' } }).blocks],
  ];

  it.each(surfaces)('%s: every block is drawn, none "Unsupported"', (_name, blocks) => {
    const { tree } = render(blocks);
    expect(unsupported(tree)).toEqual([]);
    expect(byClass(tree, 'bk-block')).toHaveLength(blocks.length);
  });

  it('the gate message reads as Slack shows it: header, escaped question, fields, names, a local deadline', () => {
    const { tree } = render(gateMessage(gate).blocks);
    expect(text(ofType(tree, 'h2'))).toBe('Go/no-go: churn development → deployment');
    expect(text(tree)).toContain('Ship <it> & see?');
    expect(byClass(tree, 'bk-field').map(text)).toEqual(['Quorum2 of 2 voters', 'Named votesEveryone sees who voted what']);
    expect(text(tree)).toContain('Open until Tomorrow at 5:00 PM');
    expect(text(tree)).toContain('Voters: @Ana, @Raj');
    expect(text(byClass(tree, 'md-emoji'))).toContain('✅');
  });

  it('gate buttons send their block and action ids and value; danger and primary show; the owner menu carries its confirm', () => {
    const { tree, actions } = render(gateMessage(gate).blocks);
    const buttons = ofType(tree, 'button');
    expect(buttons.map(text)).toEqual(['Go', 'No-go', 'Abstain']);
    expect(buttons.map((b) => b.props.class)).toEqual(['bk-button bk-button--primary', 'bk-button bk-button--danger', 'bk-button']);
    click(buttons[1]);
    const menu = ofType(tree, 'select').find((s) => s.props.class === 'bk-overflow')!;
    expect(ofType(menu, 'option').map(text)).toEqual(['⋯', 'Close now', 'Cancel gate']);
    (menu.props.onChange as (e: unknown) => void)({ currentTarget: { value: 'cancel:42' } });
    expect(actions[0]).toEqual({ blockId: 'gate-42', actionId: voteActionId('no_go'), type: 'button', value: '42', label: 'No-go', confirm: undefined });
    expect(actions[1]).toMatchObject({ blockId: 'gate-42', actionId: 'gate.owner', type: 'overflow', selectedValue: 'cancel:42', label: 'Cancel gate', confirm: { title: { text: 'Change this gate?' } } });
  });
});

describe('input blocks', () => {
  it('name each control block␟action, prefilled, with label, hint and optional flag', () => {
    const { tree } = render(commentModal({ slug: 'churn', checkinId: 5, answer: 'at_risk', comment: 'Labels are late.' }).blocks);
    const radios = all(tree, (n) => n.type === 'input' && n.props.type === 'radio');
    expect(radios.map((r) => [r.props.value, r.props.defaultChecked])).toEqual([['on_track', false], ['at_risk', true], ['not_viable', false]]);
    expect(new Set(radios.map((r) => r.props.name))).toEqual(new Set([fieldName(VIABILITY_IDS.answerInput, VIABILITY_IDS.answerInput)]));
    const [comment] = ofType(tree, 'textarea');
    expect(comment?.props).toMatchObject({ name: `${VIABILITY_IDS.commentInput}\u001f${VIABILITY_IDS.commentInput}`, defaultValue: 'Labels are late.', maxlength: 2000, required: false });
    expect(byClass(tree, 'bk-input-label').map(text)).toEqual(['Your answer', 'Comment (optional)']);
    const { tree: reasonTree } = render(noGoModal({ gateId: 42, channelId: 'C0FRAUD', question: 'Ship?' }).blocks);
    expect(text(byClass(reasonTree, 'bk-hint'))).toContain('Say what would have to change');
  });

  it('shows the app’s validation error under its input, in red, and marks the control', () => {
    const blocks = noGoModal({ gateId: 42, channelId: 'C0FRAUD', question: 'Ship?' }).blocks;
    const blockId = blocks[1]!.block_id!;
    const { tree } = render(blocks, { errors: { [blockId]: 'Please say why.' } });
    const [input] = byClass(tree, 'bk-input');
    expect(input?.props.class).toBe('bk-input bk-input--error');
    expect(byClass(input, 'bk-error').map(text)).toEqual(['Please say why.']);
    expect(ofType(input, 'textarea')[0]?.props['aria-invalid']).toBe(true);
    expect(byClass(render(blocks).tree, 'bk-error')).toEqual([]);
  });

  it('a multi_users_select offers the people, preselects the stakeholders and keeps one the page does not know', () => {
    const { tree } = render(editBriefModal(brief, { projectId: 7, channelId: 'C0FRAUD', ts: '1.2', version: 1 }).blocks);
    const block = all(tree, (n) => n.props['data-block-id'] === briefBlockId('stakeholders'))[0];
    const [select] = ofType(block, 'select');
    expect(select?.props.multiple).toBe(true);
    expect(ofType(select, 'option').map((o) => [o.props.value, text(o), o.props.defaultSelected])).toEqual([
      ['U0ANA', 'Ana', true], ['U0RAJ', 'Raj', false], ['U0OWNER', 'Olive', false], ['U0GONE', 'U0GONE', true],
    ]);
  });

  it('draws the other input elements the Block Kit reference lists', () => {
    const input = (element: object) => ({ type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'L' }, element: { action_id: 'a', ...element } });
    const { tree } = render([
      input({ type: 'static_select', options: [{ text: { type: 'plain_text', text: 'One' }, value: '1' }], initial_option: { text: { type: 'plain_text', text: 'One' }, value: '1' } }),
      input({ type: 'checkboxes', options: [{ text: { type: 'mrkdwn', text: '*A*' }, value: 'a' }, { text: { type: 'plain_text', text: 'B' }, value: 'b' }], initial_options: [{ text: { type: 'plain_text', text: 'B' }, value: 'b' }] }),
      input({ type: 'datepicker', initial_date: '2026-12-01' }),
      input({ type: 'number_input', is_decimal_allowed: false, min_value: '1', initial_value: '3' }),
      input({ type: 'plain_text_input', placeholder: { type: 'plain_text', text: 'Type here' }, min_length: 2 }),
      input({ type: 'users_select', initial_user: 'U0RAJ' }),
    ]);
    expect(unsupported(tree)).toEqual([]);
    expect(ofType(tree, 'input').map((i) => [i.props.type, i.props.defaultValue ?? i.props.defaultChecked])).toEqual([
      ['checkbox', false], ['checkbox', true], ['date', '2026-12-01'], ['number', '3'], ['text', ''],
    ]);
    expect(all(tree, (n) => n.type === 'option' && n.props.defaultSelected === true).map(text)).toEqual(['One', 'Raj']);
    expect(all(tree, (n) => n.props.placeholder === 'Type here')).toHaveLength(1);
  });
});

describe('images', () => {
  it('a slack_file image comes from ctx.fileUrl; an image_url must be http(s); alt text stays visible when there is no source', () => {
    const { tree } = render([
      { type: 'image', slack_file: { id: 'F0CHART' }, alt_text: 'Drift chart', title: { type: 'plain_text', text: 'Reference vs current' } },
      { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'A' },
      { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'Not loaded' },
      { type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/i.png', alt_text: 'icon' }, { type: 'mrkdwn', text: 'beside' }] },
    ]);
    expect(ofType(tree, 'img').map((i) => [i.props.src, i.props.alt])).toEqual([['/files/F0CHART', 'Drift chart'], ['https://example.com/a.png', 'A'], ['https://example.com/i.png', 'icon']]);
    expect(text(ofType(tree, 'figcaption'))).toBe('Reference vs current');
    expect(text(byClass(tree, 'bk-image-missing'))).toBe('Not loaded');
  });
});

describe('what the page cannot draw', () => {
  it('shows an unknown block with its type and its JSON, in place', () => {
    const { tree } = render([{ type: 'divider' }, { type: 'video', title: { type: 'plain_text', text: 'Demo' }, video_url: 'https://x' }, { block_id: 'x' }, { type: 'constructor' }, null]);
    expect(unsupported(tree)).toEqual(['Unsupported block: video', 'Unsupported block: (no type)', 'Unsupported block: constructor', 'Unsupported block: (no type)']);
    expect(text(ofType(byClass(tree, 'bk-unsupported')[0], 'pre'))).toContain('"video_url": "https://x"');
    expect(ofType(tree, 'hr')).toHaveLength(1);
  });

  it('shows an unknown element inside a known block', () => {
    const { tree } = render([{ type: 'actions', block_id: 'a', elements: [{ type: 'workflow_button', action_id: 'w' }, { type: 'toString' }, { type: 'button', action_id: 'ok', text: { type: 'plain_text', text: 'OK' } }] }]);
    expect(unsupported(tree)).toEqual(['Unsupported element: workflow_button', 'Unsupported element: toString']);
    expect(ofType(tree, 'button').map(text)).toEqual(['OK']);
  });
});

describe('actions outside input blocks', () => {
  it('a select, an overflow and an accessory button send the block and action ids', () => {
    const options = [{ text: { type: 'plain_text', text: 'Snooze 1h' }, value: '60' }, { text: { type: 'plain_text', text: 'Resolve' }, value: 'resolve' }];
    const { tree, actions } = render([
      { type: 'actions', block_id: 'menu', elements: [{ type: 'static_select', action_id: 'pick', options }, { type: 'overflow', action_id: 'more', options }] },
      { type: 'section', block_id: 'sec', text: { type: 'plain_text', text: 'Row' }, accessory: { type: 'button', action_id: 'open', value: 'v', text: { type: 'plain_text', text: 'Open' } } },
    ]);
    const [select, overflow] = ofType(tree, 'select');
    const target = { value: 'resolve', selectedOptions: [{ textContent: 'Resolve' }] };
    (select?.props.onChange as (e: unknown) => void)({ currentTarget: target });
    (overflow?.props.onChange as (e: unknown) => void)({ currentTarget: target });
    expect(target.value).toBe(''); // the overflow menu goes back to "⋯"
    click(byClass(tree, 'bk-accessory').flatMap((a) => ofType(a, 'button'))[0]);
    expect(actions).toEqual([
      { blockId: 'menu', actionId: 'pick', type: 'static_select', selectedValue: 'resolve', label: 'Resolve' },
      { blockId: 'menu', actionId: 'more', type: 'overflow', selectedValue: 'resolve', label: 'Resolve' },
      { blockId: 'sec', actionId: 'open', type: 'button', value: 'v', label: 'Open', confirm: undefined },
    ]);
  });

  it('a control in an input block sends nothing on change: its value waits for the submission', () => {
    const onAction = vi.fn();
    const { tree } = render(noGoModal({ gateId: 42, channelId: 'C0FRAUD', question: 'Ship?' }).blocks, { onAction });
    expect(ofType(tree, 'textarea')[0]?.props.onChange).toBeUndefined();
  });

  it('an input block with dispatch_action sends its change at once, as Slack does (the gate form\'s project picker)', () => {
    const view = gateFormModal({ projects: [{ id: 3, slug: 'churn' }, { id: 4, slug: 'fraud' }], deadline: NOW });
    const { tree, actions } = render(view.blocks);
    const [picker, ...others] = ofType(tree, 'select');
    (picker!.props.onChange as (e: unknown) => void)({ currentTarget: { value: '4', selectedOptions: [{ textContent: 'fraud' }] } });
    expect(actions).toEqual([{ blockId: 'gate_project', actionId: 'gate.form.project', type: 'static_select', selectedValue: '4', label: 'fraud' }]);
    expect(others.map((o) => o.props.onChange)).toEqual(others.map(() => undefined));
  });
});

describe('rich_text', () => {
  it('draws styled text, links, mentions, emoji and lists', () => {
    const { tree } = render([
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Hi ', style: { bold: true } },
              { type: 'user', user_id: 'U0ANA' },
              { type: 'text', text: ' see ' },
              { type: 'link', url: 'javascript:alert(1)', text: 'bad' },
              { type: 'link', url: 'https://example.com', text: 'good' },
              { type: 'emoji', name: 'tada', unicode: '1f389' },
            ],
          },
          { type: 'rich_text_list', style: 'bullet', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one <b>' }] }] },
        ],
      },
    ]);
    expect(text(tree)).toBe('Hi @Ana see badgood🎉one <b>');
    expect(text(ofType(tree, 'strong'))).toBe('Hi ');
    expect(ofType(tree, 'a').map((a) => a.props.href)).toEqual(['https://example.com']);
    expect(ofType(tree, 'li').map(text)).toEqual(['one <b>']);
  });
});

describe('the datetimepicker', () => {
  it('shows its instant in the viewer\'s zone and sends the wall time read there as Unix seconds', () => {
    const seconds = Date.parse('2026-03-29T01:30:00Z') / 1000;
    const { tree } = render([{ type: 'input', block_id: 'when', label: { type: 'plain_text', text: 'Deadline' }, element: { type: 'datetimepicker', action_id: 'at', initial_date_time: seconds } }], { tz: 'Europe/Berlin' });
    const input = ofType(tree, 'input')[0]!;
    // 01:30Z on the night Berlin springs forward is 03:30 summer time.
    expect(input.props).toMatchObject({ type: 'datetime-local', defaultValue: '2026-03-29T03:30', 'data-tz': 'Europe/Berlin', name: fieldName('when', 'at') });
    expect(readValues({ elements: [{ name: fieldName('when', 'at'), type: 'datetime-local', value: '2026-03-29T03:30', dataset: { tz: 'Europe/Berlin' } }] })).toEqual({ when: { at: String(seconds) } });
    expect(readValues({ elements: [{ name: fieldName('when', 'at'), type: 'datetime-local', value: '', dataset: { tz: 'UTC' } }] })).toEqual({ when: { at: null } });
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      expect(zonedToSeconds(secondsToZoned(1775044800, tz), tz)).toBe('1775044800');
    }
  });
});

describe('readValues', () => {
  it('groups named controls by block and action: empty text is null, multi-selects and checkboxes are lists', () => {
    const f = (name: string, more: object) => ({ name, ...more });
    const form = {
      elements: [
        f(fieldName('reason', 'text'), { type: 'textarea', value: 'Too slow' }),
        f(fieldName('note', 'text'), { type: 'text', value: '' }),
        f(fieldName('people', 'pick'), { type: 'select-multiple', multiple: true, selectedOptions: [{ value: 'U0ANA' }, { value: 'U0RAJ' }] }),
        f(fieldName('answer', 'radio'), { type: 'radio', value: 'on_track', checked: false }),
        f(fieldName('answer', 'radio'), { type: 'radio', value: 'at_risk', checked: true }),
        f(fieldName('unanswered', 'radio'), { type: 'radio', value: 'x', checked: false }),
        f(fieldName('boxes', 'c'), { type: 'checkbox', value: 'a', checked: true }),
        f(fieldName('boxes', 'c'), { type: 'checkbox', value: 'b', checked: false }),
        f(fieldName('none', 'c'), { type: 'checkbox', value: 'a', checked: false }),
        f('unrelated', { type: 'text', value: 'ignored' }),
        { type: 'submit', value: 'Save' },
      ],
    };
    expect(readValues(form)).toEqual({
      reason: { text: 'Too slow' },
      note: { text: null },
      people: { pick: ['U0ANA', 'U0RAJ'] },
      answer: { radio: 'at_risk' },
      unanswered: { radio: null },
      boxes: { c: ['a'] },
      none: { c: [] },
    });
  });
});

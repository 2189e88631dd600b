import { describe, expect, it } from 'vitest';
import type { ProjectRow } from '../../src/db/repositories/projects.js';
import { blockErrors } from '../../src/sandbox/emulator/block-limits.js';
import { safeFallback, sectionsOfLines } from '../../src/messages/blocks.js';
import { commandHelpMessage, helpMessage, usageError } from '../../src/messages/help.js';
import { homeView } from '../../src/messages/home.js';
import { channelStatusMessage, projectStatusMessage } from '../../src/messages/status.js';

const at = new Date('2026-11-01T10:00:00Z');
const project = (slug: string, over: Partial<ProjectRow> = {}): ProjectRow => ({
  id: 1, teamId: 'T1', slug, channelId: 'C1', ownerId: 'U1', phase: 'development', brief: null, briefVersion: 0, briefUpdatedBy: null, createdAt: at, updatedAt: at, ...over,
});
const textOf = (blocks: unknown[]) => JSON.stringify(blocks);

describe('status views', () => {
  it('an empty channel points to intake', () => {
    const m = channelStatusMessage([]);
    expect(m.text).toContain('/mlops intake <slug>');
  });

  it('lists every project with phase and owner, and stays within Block Kit limits with many projects', () => {
    const many = Array.from({ length: 120 }, (_, i) => project(`p-${i}`));
    const m = channelStatusMessage(many);
    expect(textOf(m.blocks)).toContain('*p-0*');
    expect(textOf(m.blocks)).toContain('…and 80 more.');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });

  it('escapes what people typed, so a slug cannot inject mrkdwn links or mentions', () => {
    const m = channelStatusMessage([project('a<b>&c' as string)]);
    expect(textOf(m.blocks)).toContain('*a&lt;b&gt;&amp;c*');
  });

  it('a project shows phase, owner, channel and its phase history with how each change was decided', () => {
    const m = projectStatusMessage({
      project: project('churn', { phase: 'deployment' }),
      history: [
        { fromPhase: null, toPhase: 'design', via: 'created', actorId: 'U1', at },
        { fromPhase: 'design', toPhase: 'development', via: 'gate', actorId: 'U2', at },
        { fromPhase: 'development', toPhase: 'deployment', via: 'override', actorId: 'U1', at },
      ],
    });
    const text = textOf(m.blocks);
    expect(text).toContain(':rocket: deployment');
    expect(text).toContain('<@U1>');
    expect(text).toContain('<#C1>');
    expect(text).toContain('design → *development* (gate, <@U2>)');
    expect(text).toContain('development → *deployment* (owner override, <@U1>)');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });
});

describe('help and usage', () => {
  const status = { name: 'status', usage: '/mlops status [slug]', summary: 'Phase of a project; without a slug, every project in this channel.' };
  const gate = { name: 'gate', usage: '/mlops gate <slug> [--to <phase>] · /mlops gate <slug> --anonymous', summary: 'Open a vote.', brief: 'Vote on a phase.' };

  it('help names the problem first, then one line per command: its brief, or its summary’s first sentence', () => {
    const m = helpMessage([status, gate], 'Unknown subcommand "x".');
    expect(m.text.startsWith('Unknown subcommand "x".')).toBe(true);
    expect(m.text).toContain('/mlops status — Phase of a project.\n/mlops gate — Vote on a phase.');
    expect(m.text).not.toContain('--to');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });

  it('the help of one command shows every form of it, escaped for mrkdwn', () => {
    const m = commandHelpMessage(gate);
    expect(m.text).toBe('/mlops gate — Open a vote.\nUsage: /mlops gate <slug> [--to <phase>]\n/mlops gate <slug> --anonymous');
    expect(textOf(m.blocks)).toContain('`/mlops gate &lt;slug&gt; [--to &lt;phase&gt;]`\\n`/mlops gate &lt;slug&gt; --anonymous`');
  });

  it('a usage error shows the problem and the usage line, and points to the command’s help', () => {
    const m = usageError('Bad slug.', '/mlops status [slug]', 'status');
    expect(m.text).toBe('Bad slug.\nUsage: /mlops status [slug]');
    expect(textOf(m.blocks)).toContain('`/mlops help status` explains it.');
  });
});

describe('App Home', () => {
  it('shows the person’s projects, marking the ones they own', () => {
    const v = homeView({ userId: 'U1', projects: [project('mine'), project('theirs', { ownerId: 'U2' })] });
    const text = textOf(v.blocks);
    expect(text).toContain('*mine* — :hammer_and_wrench: development in <#C1> · you own it');
    expect(text).toMatch(/\*theirs\*[^·]*"/);
    expect(blockErrors(v.blocks, 'home')).toEqual([]);
  });

  it('with no projects says how to start one', () => {
    expect(textOf(homeView({ userId: 'U1', projects: [] }).blocks)).toContain('You have no projects yet');
  });
});

describe('sectionsOfLines', () => {
  it('spreads long content over sections within the 3,000-character limit, losing nothing', () => {
    const lines = Array.from({ length: 12 }, (_, i) => `${i}. ${'x'.repeat(700)}`);
    const blocks = sectionsOfLines(lines);
    expect(blocks.length).toBeGreaterThan(1);
    const texts = blocks.map((b) => (b as unknown as { text: { text: string } }).text.text);
    texts.forEach((t) => expect(t.length).toBeLessThanOrEqual(3000));
    expect(texts.join('\n')).toBe(lines.join('\n'));
    expect(blockErrors(blocks, 'message')).toEqual([]);
  });

  it('clips only a single line that is longer than a section', () => {
    const [block] = sectionsOfLines(['y'.repeat(5000)]);
    expect((block as unknown as { text: { text: string } }).text.text).toHaveLength(3000);
  });
});

describe('safeFallback', () => {
  it.each([
    ['<!channel> look', '&lt;!channel> look'],
    ['<!here|here>', '&lt;!here|here>'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click>'],
    ['ask <@U123ABC> or <@W9|ana>', 'ask &lt;@U123ABC> or &lt;@W9|ana>'],
    ['auc >= 0.85 & latency_ms <= 200', 'auc >= 0.85 & latency_ms <= 200'],
    ['<#C0SECRET|secret>', '&lt;#C0SECRET|secret>'],
  ])('%s', (input, expected) => {
    expect(safeFallback(input)).toBe(expected);
  });
});

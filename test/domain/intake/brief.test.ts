import { describe, it, expect } from 'vitest';
import {
  BRIEF_FIELDS,
  BRIEF_FIELD_INFO,
  Brief,
  BriefDraft,
  applyAnswer,
  isComplete,
  missingFields,
  parseMentions,
} from '../../../src/domain/intake/brief.js';
import { errorOf } from '../../helpers/errors.js';


const complete: Brief = {
  problem: 'Agents route tickets by hand.',
  whyMl: 'Rules route 40% correctly.',
  requirements: 'Route within a minute.',
  successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.85 }],
  dataSources: 'Zendesk since 2021.',
  stakeholders: ['U01ANA', 'U02RAJ'],
  risks: 'Urgent tickets misrouted.',
  timeline: 'June.',
};

describe('BRIEF_FIELDS', () => {
  it('lists the brief in asking order', () => {
    expect(BRIEF_FIELDS).toEqual([
      'problem', 'whyMl', 'requirements', 'successMetrics',
      'dataSources', 'stakeholders', 'risks', 'timeline',
    ]);
  });

  it('gives every field a label and a one-sentence question with an example', () => {
    for (const field of BRIEF_FIELDS) {
      const { label, question } = BRIEF_FIELD_INFO[field];
      expect(label.length).toBeGreaterThan(0);
      expect(question).toContain('?');
      expect(question).toContain('e.g.');
    }
    expect(BRIEF_FIELD_INFO.successMetrics.question).toBe(
      'Which success metrics will decide whether this works? e.g. "auc >= 0.85, latency_p95_ms <= 200"',
    );
    expect(BRIEF_FIELD_INFO.stakeholders.question).toBe(
      'Who are the stakeholders who should vote on phase gates? Mention them, e.g. @ana @raj',
    );
    expect(BRIEF_FIELD_INFO.whyMl.label).toBe('Why ML over a baseline or rules');
    expect(BRIEF_FIELD_INFO.dataSources.label).toBe('Data sources and data-quality concerns');
  });

  it('uses the successMetrics example that the metric parser accepts', () => {
    const next = applyAnswer({}, 'successMetrics', 'auc >= 0.85, latency_p95_ms <= 200');
    expect(next.successMetrics).toEqual([
      { name: 'auc', direction: 'maximize', target: 0.85 },
      { name: 'latency_p95_ms', direction: 'minimize', target: 200 },
    ]);
  });
});

describe('missingFields', () => {
  it('returns every field, in order, for an empty draft', () => {
    expect(missingFields({})).toEqual([...BRIEF_FIELDS]);
  });

  it('keeps field order whatever order the answers came in', () => {
    const draft: BriefDraft = { timeline: 'June', problem: 'p', stakeholders: ['U1AB'] };
    expect(missingFields(draft)).toEqual([
      'whyMl', 'requirements', 'successMetrics', 'dataSources', 'risks',
    ]);
  });

  it('counts null, blank text and empty lists as missing', () => {
    const draft: BriefDraft = { ...complete, problem: null, risks: '   ', successMetrics: [], stakeholders: [] };
    expect(missingFields(draft)).toEqual(['problem', 'successMetrics', 'stakeholders', 'risks']);
  });

  it('is empty for a complete brief', () => {
    expect(missingFields(complete)).toEqual([]);
  });
});

describe('isComplete', () => {
  it('accepts a complete brief', () => {
    expect(isComplete(complete)).toBe(true);
  });

  it.each(BRIEF_FIELDS.map((f) => [f]))('refuses a brief without %s', (field) => {
    expect(isComplete({ ...complete, [field]: undefined })).toBe(false);
  });

  it('refuses a brief whose fields break the schema', () => {
    expect(isComplete({ ...complete, problem: 'x'.repeat(3001) })).toBe(false);
    expect(isComplete({ ...complete, stakeholders: ['ana'] })).toBe(false);
  });
});

describe('Brief schemas', () => {
  it('accepts an empty or partial draft', () => {
    expect(BriefDraft.safeParse({}).success).toBe(true);
    expect(BriefDraft.safeParse({ problem: 'p', whyMl: null }).success).toBe(true);
  });

  it.each([
    ['a blank text field', { problem: '  ' }],
    ['a text field over 3000 characters', { risks: 'x'.repeat(3001) }],
    ['a stakeholder that is not a Slack user id', { stakeholders: ['@ana'] }],
    ['51 stakeholders', { stakeholders: Array.from({ length: 51 }, (_, i) => `U${100 + i}`) }],
    ['a metric with a bad name', { successMetrics: [{ name: 'AUC', direction: 'maximize', target: 1 }] }],
    ['a metric with an infinite target', { successMetrics: [{ name: 'auc', direction: 'maximize', target: Infinity }] }],
  ])('draft refuses %s', (_, draft) => {
    expect(BriefDraft.safeParse(draft).success).toBe(false);
  });

  it('complete brief needs at least one metric and one stakeholder', () => {
    expect(Brief.safeParse(complete).success).toBe(true);
    expect(Brief.safeParse({ ...complete, successMetrics: [] }).success).toBe(false);
    expect(Brief.safeParse({ ...complete, stakeholders: [] }).success).toBe(false);
  });
});

describe('parseMentions', () => {
  it.each([
    ['<@U123>', ['U123']],
    ['<@U123|ana>', ['U123']],
    ['<@U123|ana> and <@W0RAJ>', ['U123', 'W0RAJ']],
    ['<@U2BB> <@U1AA|x> <@U2BB|dup> <@U1AA>', ['U2BB', 'U1AA']],
    ['@ana @raj', []],
    ['<#C123|general> <!here> <@u123>', []],
    ['', []],
  ])('%j -> %j', (text, ids) => {
    expect(parseMentions(text)).toEqual(ids);
  });
});

describe('applyAnswer', () => {
  const textFields = ['problem', 'whyMl', 'requirements', 'dataSources', 'risks', 'timeline'] as const;

  it.each(textFields.map((f) => [f]))('stores the %s answer as given, trimmed', (field) => {
    const answer = '  Keyword rules route only 40% of tickets\ncorrectly.  ';
    const next = applyAnswer({}, field, answer);
    expect(next[field]).toBe('Keyword rules route only 40% of tickets\ncorrectly.');
    expect(missingFields(next)).not.toContain(field);
  });

  it('replaces a previous answer and leaves other fields and the input draft alone', () => {
    const draft: BriefDraft = { problem: 'old', risks: 'r' };
    const next = applyAnswer(draft, 'problem', 'new');
    expect(next).toEqual({ problem: 'new', risks: 'r' });
    expect(draft).toEqual({ problem: 'old', risks: 'r' });
  });

  it('parses success metrics', () => {
    const next = applyAnswer({}, 'successMetrics', 'recall of at least 90% and p95 latency under 200ms');
    expect(next.successMetrics).toEqual([
      { name: 'recall', direction: 'maximize', target: 0.9 },
      { name: 'p95_latency_ms', direction: 'minimize', target: 200 },
    ]);
  });

  it('passes on the metric parser error', () => {
    const e = errorOf(() => applyAnswer({}, 'successMetrics', 'auc'));
    expect(e.code).toBe('metric_without_number');
    expect(e.message).toBe('Metric "auc" has no target number; write it like "auc >= 0.85".');
  });

  it('parses stakeholders from mentions in both forms', () => {
    const next = applyAnswer({}, 'stakeholders', '<@U01ANA|ana> and <@U02RAJ>, also <@U01ANA>');
    expect(next.stakeholders).toEqual(['U01ANA', 'U02RAJ']);
  });

  it('refuses stakeholders without a mention', () => {
    const e = errorOf(() => applyAnswer({}, 'stakeholders', 'ana and raj'));
    expect(e.code).toBe('no_mentions');
    expect(e.message).toContain('@');
  });

  it('refuses more than 50 stakeholders', () => {
    const many = Array.from({ length: 51 }, (_, i) => `<@U${100 + i}>`).join(' ');
    const e = errorOf(() => applyAnswer({}, 'stakeholders', many));
    expect(e.code).toBe('too_many_stakeholders');
    expect(e.message).toBe('That is 51 stakeholders; the limit is 50.');
  });

  it.each(BRIEF_FIELDS.map((f) => [f]))('refuses an empty %s answer', (field) => {
    const e = errorOf(() => applyAnswer({}, field, ' \n\t '));
    expect(e.code).toBe('empty_answer');
    expect(e.message).toContain(BRIEF_FIELD_INFO[field].label);
  });

  it.each(BRIEF_FIELDS.map((f) => [f]))('refuses a %s answer over 3000 characters', (field) => {
    const e = errorOf(() => applyAnswer({}, field, 'x'.repeat(3500)));
    expect(e.code).toBe('answer_too_long');
    expect(e.message).toBe('That answer is 3500 characters; the limit is 3000.');
  });

  it('accepts exactly 3000 characters, counting after trimming', () => {
    const next = applyAnswer({}, 'risks', `  ${'x'.repeat(3000)}  `);
    expect(next.risks).toHaveLength(3000);
  });

  it('fills a whole brief one answer at a time', () => {
    const answers: Record<(typeof BRIEF_FIELDS)[number], string> = {
      problem: 'Agents route tickets by hand.',
      whyMl: 'Rules route 40% correctly.',
      requirements: 'Route within a minute.',
      successMetrics: 'auc >= 0.85',
      dataSources: 'Zendesk since 2021.',
      stakeholders: '<@U01ANA|ana> <@U02RAJ|raj>',
      risks: 'Urgent tickets misrouted.',
      timeline: 'June.',
    };
    let draft: BriefDraft = {};
    for (const field of BRIEF_FIELDS) {
      expect(isComplete(draft)).toBe(false);
      expect(missingFields(draft)[0]).toBe(field);
      draft = applyAnswer(draft, field, answers[field]);
    }
    expect(isComplete(draft)).toBe(true);
    expect(draft).toEqual(complete);
  });
});

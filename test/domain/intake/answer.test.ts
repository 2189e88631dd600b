import { describe, expect, it } from 'vitest';
import { answerIntake, type IntakeState, MAX_ASKS_PER_FIELD } from '../../../src/domain/intake/answer.js';
import { assessBrief } from '../../../src/domain/intake/assess.js';
import { type Brief, BRIEF_FIELD_INFO } from '../../../src/domain/intake/brief.js';
import { editBrief } from '../../../src/domain/intake/edit.js';
import { extractionPrompt } from '../../../src/domain/intake/prompts.js';
import { type Llm, LlmError } from '../../../src/llm/llm.js';

/** An Llm that answers from a list; an Error in the list is thrown, as the adapter does for bad output. */
function scripted(replies: (unknown | Error)[]): Llm & { calls: number } {
  const llm = {
    calls: 0,
    async structured<T>(opts: { schema: { parse(v: unknown): T } }): Promise<T> {
      const r = replies[llm.calls++];
      if (r instanceof Error || r === undefined) throw r ?? new LlmError('no more replies');
      return opts.schema.parse(r);
    },
    async text(): Promise<string> {
      const r = replies[llm.calls++];
      if (r instanceof Error || typeof r !== 'string') throw r ?? new LlmError('no more replies');
      return r;
    },
  };
  return llm;
}

const at = (field: IntakeState['field'], draft: IntakeState['draft'] = {}, asked: Record<string, number> = { [field]: 1 }): IntakeState => ({ draft, field, question: BRIEF_FIELD_INFO[field].question, asked });

describe('answerIntake without an LLM', () => {
  it('stores the answer as given and asks the next missing field', async () => {
    const out = await answerIntake(null, at('problem'), '  Tickets are routed by hand. ');
    expect(out).toMatchObject({ kind: 'accepted', draft: { problem: 'Tickets are routed by hand.' }, changed: ['problem'], next: { field: 'whyMl', question: BRIEF_FIELD_INFO.whyMl.question, generated: false }, via: 'deterministic' });
  });

  it('refuses empty, oversized and unparsable answers, keeping the question', async () => {
    for (const [field, text, says] of [
      ['problem', '   ', 'is empty'],
      ['problem', 'x'.repeat(3001), 'the limit is 3000'],
      ['successMetrics', 'precision should be high', 'has no target number'],
      ['stakeholders', 'ana and raj', 'mention at least one stakeholder'],
    ] as const) {
      const out = await answerIntake(null, at(field), text);
      expect(out.kind).toBe('rejected');
      if (out.kind === 'rejected') {
        expect(out.message).toContain(says);
        expect(out.question).toBe(BRIEF_FIELD_INFO[field].question);
      }
    }
  });

  it('ends with next = null when the last field is answered', async () => {
    const draft = { problem: 'p', whyMl: 'w', requirements: 'r', successMetrics: [{ name: 'auc', direction: 'maximize' as const, target: 0.8 }], dataSources: 'd', stakeholders: ['U0ANA'], risks: 'r' };
    const out = await answerIntake(null, at('timeline', draft), 'June');
    expect(out).toMatchObject({ kind: 'accepted', next: null });
  });
});

describe('answerIntake with an LLM', () => {
  it('retries invalid output once, then uses the good answer', async () => {
    const llm = scripted([new LlmError('not JSON'), { fields: { problem: 'Routing by hand.', whyMl: 'Rules get 40%.' }, nextQuestion: { field: 'requirements', question: 'What must routing achieve for agents?' } }]);
    const out = await answerIntake(llm, at('problem'), 'We route by hand and rules get 40%.');
    expect(llm.calls).toBe(2);
    expect(out).toMatchObject({ kind: 'accepted', via: 'llm', changed: ['problem', 'whyMl'], next: { field: 'requirements', generated: true } });
  });

  it('falls back to the answer as given and the field’s own question after two failures', async () => {
    const llm = scripted([new LlmError('boom'), new LlmError('boom again')]);
    const out = await answerIntake(llm, at('problem'), 'Routing by hand.');
    expect(out).toMatchObject({ kind: 'accepted', via: 'fallback', draft: { problem: 'Routing by hand.' }, next: { field: 'whyMl', question: BRIEF_FIELD_INFO.whyMl.question, generated: false } });
  });

  it('never calls the LLM for an empty answer', async () => {
    const llm = scripted([]);
    expect((await answerIntake(llm, at('problem'), '')).kind).toBe('rejected');
    expect(llm.calls).toBe(0);
  });

  it('keeps only metric targets the person actually wrote', async () => {
    const llm = scripted([{ fields: { successMetrics: ['auc >= 0.85', 'recall >= 0.95', 'latency_ms <= 200ms'] }, nextQuestion: null }]);
    const out = await answerIntake(llm, at('successMetrics'), 'AUC of at least 0.85 and latency under 200 ms');
    expect(out.kind === 'accepted' && out.draft.successMetrics).toEqual([
      { name: 'auc', direction: 'maximize', target: 0.85 },
      { name: 'latency_ms', direction: 'minimize', target: 200 },
    ]);
  });

  it('takes stakeholders from mentions, never from the model', async () => {
    const llm = scripted([{ fields: {}, nextQuestion: { field: 'risks', question: 'What are the main risks here?' } }]);
    const out = await answerIntake(llm, at('stakeholders'), '<@U0ANA> and <@U0RAJ|raj>');
    expect(out).toMatchObject({ kind: 'accepted', draft: { stakeholders: ['U0ANA', 'U0RAJ'] } });
  });

  it('asks one follow-up about a field, then stores the answer as given', async () => {
    const follow = { fields: {}, nextQuestion: { field: 'problem', question: 'Who has this problem, exactly?' } };
    const first = await answerIntake(scripted([follow]), at('problem'), 'stuff');
    expect(first).toMatchObject({ kind: 'accepted', next: { field: 'problem', question: 'Who has this problem, exactly?' } });
    const asked = first.kind === 'accepted' ? first.asked : {};
    expect(asked.problem).toBe(MAX_ASKS_PER_FIELD);
    const second = await answerIntake(scripted([follow]), { ...at('problem'), question: 'Who has this problem, exactly?', asked }, 'more stuff');
    expect(second).toMatchObject({ kind: 'accepted', draft: { problem: 'more stuff' }, next: { field: 'whyMl', generated: false } });
  });

  it('ignores a model question about a field that is neither missing nor vague', async () => {
    const llm = scripted([{ fields: { whyMl: 'Rules fail.' }, nextQuestion: { field: 'problem', question: 'Tell me the problem again?' } }]);
    const out = await answerIntake(llm, at('whyMl', { problem: 'Routing.' }), 'Rules fail.');
    expect(out).toMatchObject({ kind: 'accepted', next: { field: 'requirements', generated: false } });
  });

  it('puts the question and the answer in the prompt', () => {
    const p = extractionPrompt({ draft: { problem: 'Routing.' }, field: 'whyMl', question: 'Why ML?', answer: 'Rules fail.' });
    expect(p.user).toContain('Routing.');
    expect(p.user).toContain('Answer: Rules fail.');
    expect(p.system).toContain('Never invent a number');
  });
});

const brief: Brief = {
  problem: 'Routing by hand.', whyMl: 'Rules get 40%.', requirements: 'Within a minute.',
  successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.85 }], dataSources: 'Zendesk.',
  stakeholders: ['U0ANA'], risks: 'Misrouting.', timeline: 'June.',
};

describe('assessBrief', () => {
  it('retries once, then goes without', async () => {
    expect(await assessBrief(scripted([new LlmError('x'), 'ML fits.']), brief)).toBe('ML fits.');
    expect(await assessBrief(scripted([new LlmError('x'), new LlmError('y')]), brief)).toBeNull();
    expect(await assessBrief(null, brief)).toBeNull();
  });
});

describe('editBrief', () => {
  const input = { ...brief, successMetrics: 'auc >= 0.85' };
  it('reports every bad field at once and saves nothing', () => {
    const out = editBrief(brief, { ...input, problem: ' ', successMetrics: 'auc high', stakeholders: [] });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(Object.keys(out.errors).sort()).toEqual(['problem', 'stakeholders', 'successMetrics']);
  });
  it('lists the fields that changed', () => {
    const out = editBrief(brief, { ...input, timeline: 'July.', successMetrics: 'auc >= 0.85' });
    expect(out).toMatchObject({ ok: true, changed: ['timeline'] });
  });
});

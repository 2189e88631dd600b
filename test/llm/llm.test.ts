import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmError, openAiLlm } from '../../src/llm/llm.js';
import { FakeOpenAi } from '../helpers/openai-server.js';

const Answer = z.object({ field: z.enum(['problem', 'timeline']), value: z.string().min(1) });

describe('the OpenAI adapter against a local OpenAI-compatible server', () => {
  let replies: ((i: number) => string | { status: number })[] = [];
  const server = new FakeOpenAi((_req, i) => replies[i]!(i));
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => server.close());
  const llm = () => openAiLlm({ apiKey: 'k', baseURL: server.url, model: 'm', timeoutMs: 3000 });

  it('asks for a JSON schema response and returns the validated object', async () => {
    replies = [() => JSON.stringify({ field: 'problem', value: 'churn is rising' })];
    await expect(llm().structured({ name: 'answer', system: 'sys', user: 'usr', schema: Answer })).resolves.toEqual({ field: 'problem', value: 'churn is rising' });
    const req = server.requests.at(-1)!;
    expect(req.model).toBe('m');
    expect(req.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'usr' },
    ]);
    expect(req.response_format?.type).toBe('json_schema');
    expect(JSON.stringify(req.response_format?.json_schema?.schema)).toContain('timeline');
  });

  it.each([
    ['not JSON', () => 'Sure! Here is the answer: problem', /not JSON/],
    ['JSON that fails the schema', () => JSON.stringify({ field: 'budget', value: '' }), /failed validation/],
    ['an HTTP 500, without the SDK retrying on its own', () => ({ status: 500 }), /LLM call failed/],
  ])('turns %s into an LlmError', async (_what, reply, message) => {
    const before = server.requests.length;
    replies = Array.from({ length: before + 3 }, () => reply);
    const err = await llm().structured({ name: 'answer', system: 's', user: 'u', schema: Answer }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as Error).message).toMatch(message);
    expect(server.requests.length).toBe(before + 1);
  });

  it('returns free text trimmed', async () => {
    replies = Array.from({ length: server.requests.length + 1 }, () => () => '  ML fits: labels exist.  ');
    await expect(llm().text({ system: 's', user: 'u' })).resolves.toBe('ML fits: labels exist.');
  });
});

import OpenAI from 'openai';
import type { z } from 'zod';
import { toJSONSchema } from 'zod';

/**
 * The LLM behind a small interface. Only text and structured fields come from it, never numbers
 * shown as facts. Callers validate with zod and fall back to deterministic behaviour on failure.
 */
export interface Llm {
  /** Asks for a JSON object matching `schema`; throws LlmError when the call fails or the output does not validate. */
  structured<T>(opts: { name: string; system: string; user: string; schema: z.ZodType<T> }): Promise<T>;
  /** Free text (narratives, assessments). */
  text(opts: { system: string; user: string; maxTokens?: number }): Promise<string>;
}

export class LlmError extends Error {
  override name = 'LlmError';
}

export function openAiLlm(opts: { apiKey: string; baseURL?: string; model: string; timeoutMs?: number }): Llm {
  // The SDK's own retries would hide slow failures from the caller's retry-once-then-fallback rule.
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL, timeout: opts.timeoutMs ?? 20_000, maxRetries: 0 });
  return {
    async structured({ name, system, user, schema }) {
      let content: string | null | undefined;
      try {
        const res = await client.chat.completions.create({
          model: opts.model,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
          response_format: { type: 'json_schema', json_schema: { name, schema: toJSONSchema(schema) as Record<string, unknown>, strict: false } },
        });
        content = res.choices[0]?.message?.content;
      } catch (err) {
        throw new LlmError(`LLM call failed: ${(err as Error).message}`);
      }
      if (!content) throw new LlmError('LLM returned no content');
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch {
        throw new LlmError('LLM output is not JSON');
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new LlmError(`LLM output failed validation: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return parsed.data;
    },
    async text({ system, user, maxTokens }) {
      try {
        const res = await client.chat.completions.create({
          model: opts.model,
          max_tokens: maxTokens ?? 300,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        });
        const content = res.choices[0]?.message?.content?.trim();
        if (!content) throw new LlmError('LLM returned no content');
        return content;
      } catch (err) {
        if (err instanceof LlmError) throw err;
        throw new LlmError(`LLM call failed: ${(err as Error).message}`);
      }
    },
  };
}

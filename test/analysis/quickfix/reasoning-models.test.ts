/**
 * A model that reasons before it answers (o-series, gpt-5, Gemini 2.5) spends its hidden reasoning
 * tokens out of the output limit: a fix of 1,024 makes many replies end with finish_reason "length"
 * and empty content. Its fix leaves room to reason, and the stated saving is the one that limit makes.
 */
import { describe, expect, it } from 'vitest';
import { REASONING_SUGGESTED_LIMIT, SUGGESTED_LIMIT } from '../../../proxy/src/analysis/code/llm-call';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { worstCaseOutputTokens } from '../../../proxy/src/analysis/rules/output-limit';

describe('quick fixes on reasoning models', () => {
  it('TypeScript: o3-mini chat and gpt-5 Responses get room to reason; gpt-4o keeps the usual limit', async () => {
    const text = [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      "export const a = client.chat.completions.create({ model: 'o3-mini', messages: [{ role: 'user', content: 'Hi' }] });",
      "export const b = client.responses.create({ model: 'gpt-5', input: 'Hi' });",
      "export const c = client.chat.completions.create({ model: 'gpt-4o', messages: [] });",
      '',
    ].join('\n');
    const [a, b, c] = (await analyzeFile({ path: 'r.ts', text })).diagnostics;
    expect(a!.fixes[0]!.edits[0]!.newText).toBe(`, max_completion_tokens: ${REASONING_SUGGESTED_LIMIT}`);
    expect(b!.fixes[0]!.edits[0]!.newText).toBe(`, max_output_tokens: ${REASONING_SUGGESTED_LIMIT}`);
    expect(c!.fixes[0]!.edits[0]!.newText).toBe(`, max_completion_tokens: ${SUGGESTED_LIMIT}`);
    expect(REASONING_SUGGESTED_LIMIT).toBeGreaterThan(SUGGESTED_LIMIT);
    // The figures are those of the inserted limit.
    expect(b!.tokensSaved).toBe(worstCaseOutputTokens('gpt-5')!.tokens - REASONING_SUGGESTED_LIMIT);
    expect(b!.message).toContain(`a limit of ${REASONING_SUGGESTED_LIMIT.toLocaleString('en-US')} saves`);
    expect(c!.tokensSaved).toBe(worstCaseOutputTokens('gpt-4o')!.tokens - SUGGESTED_LIMIT);
  });

  it('Python: gpt-5-mini and Gemini 2.5 get room to reason; Claude without thinking keeps the usual limit', async () => {
    const text = [
      'from openai import OpenAI',
      'from google import genai',
      'import anthropic',
      'client = OpenAI()',
      'g = genai.Client()',
      'a = anthropic.Anthropic()',
      'r1 = client.chat.completions.create(model="gpt-5-mini", messages=[])',
      'r2 = g.models.generate_content(model="gemini-2.5-pro", contents="hi")',
      'r3 = a.messages.create(model="claude-sonnet-4-20250514", messages=[])',
      '',
    ].join('\n');
    const [r1, r2, r3] = (await analyzeFile({ path: 'r.py', text })).diagnostics;
    expect(r1!.fixes[0]!.edits[0]!.newText).toBe(`, max_completion_tokens=${REASONING_SUGGESTED_LIMIT}`);
    expect(r2!.fixes[0]!.edits[0]!.newText).toBe(`, config={"max_output_tokens": ${REASONING_SUGGESTED_LIMIT}}`);
    expect(r3!.fixes[0]!.edits[0]!.newText).toBe(`, max_tokens=${SUGGESTED_LIMIT}`);
  });
});

/**
 * When no fix can be offered, the finding must not name a limit the SDK would reject or that
 * misfits the model: with an unreadable thinking budget any limit may be below it (Anthropic
 * rejects max_tokens ≤ budget_tokens), and a reasoning model needs room to reason, not 1,024.
 */
import { describe, expect, it } from 'vitest';
import { REASONING_SUGGESTED_LIMIT } from '../../../proxy/src/analysis/code/llm-call';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { worstCaseOutputTokens } from '../../../proxy/src/analysis/rules/output-limit';

describe('findings without a fix', () => {
  it('an unknown thinking budget: no limit and no saving figure are claimed', async () => {
    const text = [
      "import Anthropic from '@anthropic-ai/sdk';",
      'const a = new Anthropic();',
      'export function ask(budget: number) {',
      "  return a.messages.create({ model: 'claude-sonnet-4-20250514', thinking: { type: 'enabled', budget_tokens: budget }, messages: [] });",
      '}',
      '',
    ].join('\n');
    const [d] = (await analyzeFile({ path: 't.ts', text })).diagnostics;
    expect(d!.fixes).toEqual([]);
    expect(d!.message).not.toMatch(/a limit of/);
    expect(d!.tokensSaved).toBeUndefined();
  });

  it('a reasoning model whose limit is explicitly None: the figure is the reasoning room', async () => {
    const text = ['from openai import OpenAI', 'client = OpenAI()', 'r = client.chat.completions.create(model="o3", messages=[], max_completion_tokens=None)', ''].join('\n');
    const [d] = (await analyzeFile({ path: 'o3.py', text })).diagnostics;
    expect(d!.fixes).toEqual([]);
    expect(d!.message).toContain(`a limit of ${REASONING_SUGGESTED_LIMIT.toLocaleString('en-US')} saves`);
    expect(d!.tokensSaved).toBe(worstCaseOutputTokens('o3')!.tokens - REASONING_SUGGESTED_LIMIT);
  });
});

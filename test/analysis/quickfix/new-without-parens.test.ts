/** `new ChatOpenAI` without an argument list: the fix adds one, never an argument to a later call. */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

describe('a constructor called without parentheses', () => {
  it('gets its own argument list with the limit', async () => {
    const text = [
      "import { ChatOpenAI } from '@langchain/openai';",
      'export const chain = wrap(new ChatOpenAI, retry(3));',
      'function wrap(m: unknown, r: unknown) { return [m, r]; }',
      'function retry(n: number) { return n; }',
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'lc.ts', text })).diagnostics;
    expect(applyEdits(text, f!.fixes[0]!.edits).split('\n')[1]).toBe('export const chain = wrap(new ChatOpenAI({ maxTokens: 1024 }), retry(3));');
  });

  it('with parentheses (and type arguments), the object goes inside them', async () => {
    const text = ["import { ChatOpenAI } from '@langchain/openai';", 'export const m = new ChatOpenAI<never>();', ''].join('\n');
    const [f] = (await analyzeFile({ path: 'lc.ts', text })).diagnostics;
    expect(applyEdits(text, f!.fixes[0]!.edits).split('\n')[1]).toBe('export const m = new ChatOpenAI<never>({ maxTokens: 1024 });');
  });
});

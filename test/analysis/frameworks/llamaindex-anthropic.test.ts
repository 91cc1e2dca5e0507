/**
 * LlamaIndex's Anthropic LLM (llama-index-llms-anthropic) sends max_tokens 512 when none is given
 * (DEFAULT_ANTHROPIC_MAX_TOKENS in llama_index/llms/anthropic/base.py): a lens with that worst case,
 * no finding. Before it had no lens at all. The snippets are the package README's.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const py = (...l: string[]) => analyzeFile({ path: '/repo/rag.py', text: `${l.join('\n')}\n` });

describe('LlamaIndex Anthropic', () => {
  it('without max_tokens: bounded by its 512 default, a lens and no finding', async () => {
    const r = await py('from llama_index.llms.anthropic import Anthropic', '', 'llm = Anthropic(model="claude-3-opus-20240229")', 'resp = llm.complete("Paul Graham is ")');
    expect(r.diagnostics).toEqual([]);
    expect(r.calls.map((c) => [c.range.start.line, c.model])).toEqual([[2, 'claude-3-opus-20240229']]);
    expect(r.calls[0]!.label).toContain('with 512 output');
  });

  it('with max_tokens written: the lens prices that limit', async () => {
    const r = await py('from llama_index.llms.anthropic import Anthropic', 'from llama_index.core import Settings', 'Settings.llm = Anthropic(model="claude-sonnet-4-20250514", max_tokens=4000)');
    expect(r.diagnostics).toEqual([]);
    expect(r.calls.map((c) => c.model)).toEqual(['claude-sonnet-4-20250514']);
    expect(r.calls[0]!.label).toContain('with 4,000 output');
  });

  it('another package’s Anthropic class is not read as LlamaIndex’s', async () => {
    const r = await py('from mylib.llms import Anthropic', 'llm = Anthropic(model="claude-sonnet-4-5")');
    expect(r.calls).toEqual([]);
  });
});

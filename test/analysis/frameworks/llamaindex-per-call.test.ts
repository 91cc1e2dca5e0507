/**
 * LlamaIndex's LLMs take the model as their first parameter (`OpenAI("gpt-4o")`) and merge the
 * keywords of `complete` / `chat` / `stream_*` / `a*` into the request (`_get_model_kwargs(**kwargs)`
 * in llama_index/llms/openai/base.py): `llm.complete(prompt, max_tokens=300)` sends a limit. Before, the
 * positional model was priced as the default model and the constructor reported a missing limit.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const py = (...l: string[]) => analyzeFile({ path: '/repo/rag.py', text: `${l.join('\n')}\n` });

describe('LlamaIndex per-call limits and positional models', () => {
  it('a positional model is the model priced', async () => {
    const r = await py('from llama_index.llms.openai import OpenAI', 'llm = OpenAI("gpt-4o", max_tokens=300)');
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o']);
  });

  it('a limit passed to complete() or chat() in the file leaves the constructor unknown, not missing', async () => {
    for (const call of ['resp = llm.complete("Paul Graham is ", max_tokens=300)', 'resp = await llm.achat(messages, max_completion_tokens=300)']) {
      const r = await py('from llama_index.llms.openai import OpenAI', 'llm = OpenAI(model="gpt-4o")', call);
      expect(r.diagnostics).toEqual([]);
    }
  });

  it('without a limit anywhere the missing limit is still reported', async () => {
    // Another LLM's constructor limit is not a per-call one.
    const r = await py('from llama_index.llms.openai import OpenAI', 'llm = OpenAI("gpt-4o")', 'judge = OpenAI("gpt-4o-mini", max_tokens=50)', 'resp = llm.complete("Paul Graham is ")');
    expect(r.diagnostics.map((d) => [d.ruleId, d.range.start.line])).toEqual([['missing-output-limit', 1]]);
  });
});

/**
 * Options objects a framework merges into the request body: LangChain.js ChatOpenAI's `modelKwargs`
 * (spread into its invocation params) and LlamaIndex.TS OpenAI's `additionalChatOptions` (assigned
 * over its base request). A limit there is sent; before, the constructor was reported as missing one.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const ts = async (...l: string[]) => (await analyzeFile({ path: '/repo/llm.ts', text: `${l.join('\n')}\n` })).diagnostics.map((d) => d.ruleId);

describe('limits in options merged into the request', () => {
  it('LangChain.js modelKwargs and LlamaIndex.TS additionalChatOptions carry the limit', async () => {
    expect(await ts('import { ChatOpenAI } from "@langchain/openai";', 'const m = new ChatOpenAI({ model: "gpt-4o", modelKwargs: { max_completion_tokens: 300 } });')).toEqual([]);
    expect(await ts('import { OpenAI } from "@llamaindex/openai";', 'const llm = new OpenAI({ model: "gpt-4o", additionalChatOptions: { max_completion_tokens: 300 } });')).toEqual([]);
  });

  it('options built elsewhere make the limit unknown; options without one leave it missing', async () => {
    expect(await ts('import { ChatOpenAI } from "@langchain/openai";', 'import { kwargs } from "./config";', 'const m = new ChatOpenAI({ model: "gpt-4o", modelKwargs: kwargs });')).toEqual([]);
    expect(await ts('import { OpenAI } from "@llamaindex/openai";', 'const llm = new OpenAI({ model: "gpt-4o", additionalChatOptions: { top_p: 0.9 } });')).toEqual(['missing-output-limit']);
  });
});

/**
 * A limit set on a configured LLM object after it is built (`llm.max_tokens = 300`,
 * `settings.max_tokens = 2000`, `llm.maxTokens = 300`) is sent with every request: the constructor
 * must not be reported as missing one. A write of some other attribute changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

async function limitFindings(path: string, lines: string[]): Promise<number> {
  const r = await analyzeFile({ path, text: `${lines.join('\n')}\n` });
  return r.diagnostics.filter((d) => d.ruleId === 'missing-output-limit').length;
}

describe('limits written on the object after construction', () => {
  it('counts a Python attribute write of the limit (LangChain, Semantic Kernel, CrewAI)', async () => {
    expect(await limitFindings('lc.py', ['from langchain_openai import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o")', 'llm.max_tokens = 300'])).toBe(0);
    expect(
      await limitFindings('sk.py', [
        'from semantic_kernel.connectors.ai.open_ai import OpenAIChatPromptExecutionSettings',
        'settings = OpenAIChatPromptExecutionSettings(service_id="chat")',
        'settings.max_tokens = 2000',
      ]),
    ).toBe(0);
    expect(await limitFindings('crew.py', ['from crewai import LLM', 'llm = LLM(model="gpt-4o-mini")', 'llm.temperature = 0.1'])).toBe(1);
    expect(await limitFindings('lc2.py', ['from langchain_openai import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o")', 'llm.temperature = 0'])).toBe(1);
  });

  it('counts a TypeScript property write of the limit (LangChain JS, LlamaIndex.TS)', async () => {
    expect(
      await limitFindings('lc.ts', ["import { ChatOpenAI } from '@langchain/openai';", "const llm = new ChatOpenAI({ model: 'gpt-4o' });", 'llm.maxTokens = 300;']),
    ).toBe(0);
    expect(
      await limitFindings('li.ts', ["import { OpenAI } from '@llamaindex/openai';", "const llm = new OpenAI({ model: 'gpt-4o' });", 'llm.maxTokens = 512;']),
    ).toBe(0);
    expect(
      await limitFindings('lc2.ts', ["import { ChatOpenAI } from '@langchain/openai';", "const llm = new ChatOpenAI({ model: 'gpt-4o' });", 'llm.temperature = 0;']),
    ).toBe(1);
  });
});

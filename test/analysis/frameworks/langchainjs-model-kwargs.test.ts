/**
 * LangChain.js ChatOpenAI (and the classes built on its Chat Completions model: AzureChatOpenAI,
 * ChatDeepSeek, ChatXAI, ChatFireworks, ChatTogetherAI) spreads `modelKwargs` into the request and then
 * writes its own `maxTokens` over one key (@langchain/openai chat_models/completions.ts invocationParams):
 * `max_tokens`, or `max_completion_tokens` for a reasoning model (o-series, gpt-5 but gpt-5-chat). Left
 * unset, that field is undefined and the SDK sends no limit. Before, `modelKwargs: { max_tokens: 100 }`
 * counted as a limit.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const found = async (...l: string[]) => (await analyzeFile({ path: '/repo/llm.ts', text: `${l.join('\n')}\n` })).diagnostics.map((d) => d.ruleId);
const IMPORT = "import { ChatOpenAI, AzureChatOpenAI } from '@langchain/openai';";

describe('LangChain.js ChatOpenAI modelKwargs', () => {
  it('the key the class overwrites limits nothing', async () => {
    expect(await found(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o', modelKwargs: { max_tokens: 100 } });")).toEqual(['missing-output-limit']);
    expect(await found(IMPORT, "const llm = new AzureChatOpenAI({ model: 'gpt-4o', modelKwargs: { max_tokens: 100 } });")).toEqual(['missing-output-limit']);
    expect(await found(IMPORT, "const llm = new ChatOpenAI({ model: 'o3-mini', modelKwargs: { max_completion_tokens: 100 } });")).toEqual(['missing-output-limit']);
    expect(await found("import { ChatDeepSeek } from '@langchain/deepseek';", "const llm = new ChatDeepSeek({ model: 'deepseek-chat', modelKwargs: { max_tokens: 100 } });")).toEqual(['missing-output-limit']);
  });

  it('the other key is sent', async () => {
    expect(await found(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o', modelKwargs: { max_completion_tokens: 100 } });")).toEqual([]);
    expect(await found(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-5-chat-latest', modelKwargs: { max_completion_tokens: 100 } });")).toEqual([]);
    expect(await found(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o', maxTokens: 100, modelKwargs: { max_tokens: 100 } });")).toEqual([]);
  });
});

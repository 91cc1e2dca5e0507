/**
 * LangChain.js ChatOpenAI / AzureChatOpenAI build the request's limit from the instance's `maxTokens`
 * alone (`invocationParams` in @langchain/openai chat_models/completions.ts and responses.ts: `max_tokens:
 * this.maxTokens`), and ChatAnthropic likewise (`max_tokens: this.maxTokens`): call options — `.bind({
 * max_tokens })`, `.withConfig({ maxTokens })`, `.invoke(input, { maxTokens })` — are dropped. Before, a
 * bound limit was taken as sent and the missing one went unreported. (Python's `.bind(max_tokens=…)` is
 * merged into the payload and still counts.)
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const ts = async (...l: string[]) => (await analyzeFile({ path: '/repo/llm.ts', text: `${l.join('\n')}\n` })).diagnostics.map((d) => [d.ruleId, d.range.start.line]);
const IMPORT = "import { ChatOpenAI, AzureChatOpenAI } from '@langchain/openai';";

describe('LangChain.js ChatOpenAI call options carry no limit', () => {
  it('.bind / .withConfig, directly or on the variable, and .invoke options leave the limit missing', async () => {
    expect(await ts(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o-mini' }).bind({ max_tokens: 100 });")).toEqual([['missing-output-limit', 1]]);
    expect(await ts(IMPORT, "const llm = new AzureChatOpenAI({ model: 'gpt-4o' });", 'const bounded = llm.withConfig({ maxTokens: 100 } as never);')).toEqual([['missing-output-limit', 1]]);
    expect(await ts(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o' });", "await llm.invoke('Summarise', { maxTokens: 100 } as never);")).toEqual([['missing-output-limit', 1]]);
  });

  it('the constructor limit and a limit set on the instance are sent', async () => {
    expect(await ts(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o', maxTokens: 100 }).bind({ stop: ['\\n'] });")).toEqual([]);
    expect(await ts(IMPORT, "const llm = new ChatOpenAI({ model: 'gpt-4o' });", 'llm.maxTokens = 100;')).toEqual([]);
  });

  it('a bound limit still counts where the class reads it (ChatGroq: options.max_tokens)', async () => {
    const groq = "import { ChatGroq } from '@langchain/groq';";
    expect(await ts(groq, "const llm = new ChatGroq({ model: 'llama-3.3-70b-versatile' });")).toEqual([['missing-output-limit', 1]]);
    expect(await ts(groq, "const llm = new ChatGroq({ model: 'llama-3.3-70b-versatile' }).bind({ max_tokens: 300 });")).toEqual([]);
  });

  it('a class imported under another name is the same class', async () => {
    expect(await ts("import { ChatOpenAI as LC } from '@langchain/openai';", "const llm = new LC({ model: 'gpt-4o' }).bind({ max_tokens: 100 });")).toEqual([['missing-output-limit', 1]]);
    const groq = "import { ChatGroq as Groq } from '@langchain/groq';";
    expect(await ts(groq, "const llm = new Groq({ model: 'llama-3.3-70b-versatile' });")).toEqual([['missing-output-limit', 1]]);
    expect(await ts(groq, "const llm = new Groq({ model: 'llama-3.3-70b-versatile' }).bind({ max_tokens: 300 });")).toEqual([]);
  });
});

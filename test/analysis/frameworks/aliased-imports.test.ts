/**
 * An LLM class imported under another name is the same class: `from llama_index.llms.openai import
 * OpenAI as LIOpenAI` (common beside the openai SDK's own `OpenAI`) and `import llama_index.llms.openai
 * as lio` still build an LLM with no output limit. Before, the alias hid the call and nothing was reported.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const py = (...l: string[]) => analyzeFile({ path: '/repo/rag.py', text: `${l.join('\n')}\n` });
const found = async (...l: string[]) => (await py(...l)).diagnostics.map((d) => [d.ruleId, d.range.start.line]);

describe('LlamaIndex LLMs imported under another name', () => {
  it('`from … import OpenAI as LIOpenAI`: the missing limit is reported, the positional model priced', async () => {
    const r = await py('from openai import OpenAI', 'from llama_index.llms.openai import OpenAI as LIOpenAI', 'llm = LIOpenAI("gpt-4o")');
    expect(r.diagnostics.map((d) => [d.ruleId, d.range.start.line])).toEqual([['missing-output-limit', 2]]);
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o']);
  });

  it('`import llama_index.llms.openai as lio` and the full dotted path', async () => {
    expect(await found('import llama_index.llms.openai as lio', 'llm = lio.OpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 1]]);
    expect(await found('import llama_index.llms.openai', 'llm = llama_index.llms.openai.OpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 1]]);
  });

  it('with a limit, or a class of another package under the same alias, nothing is reported', async () => {
    expect(await found('from llama_index.llms.openai import OpenAI as LIOpenAI', 'llm = LIOpenAI("gpt-4o", max_tokens=300)')).toEqual([]);
    expect(await found('from mylib.llms import OpenAI as LIOpenAI', 'llm = LIOpenAI("gpt-4o")')).toEqual([]);
    expect(await found('import mylib.llms.openai as lio', 'llm = lio.OpenAI(model="gpt-4o")')).toEqual([]);
  });
});

describe('LangChain chat models imported under another name', () => {
  it('`from langchain_openai import ChatOpenAI as LC`: the missing limit is reported with the class’s key, the model priced', async () => {
    const r = await py('from langchain_openai import ChatOpenAI as LC', 'from langchain_anthropic import ChatAnthropic as Claude', 'a = LC(model="gpt-4o")', 'b = Claude(model="claude-3-5-sonnet-20241022", max_tokens=300)', 'c = LC(model="gpt-4o", max_tokens=300)');
    expect(r.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.fixes[0]?.edits[0]?.newText])).toEqual([['missing-output-limit', 2, expect.stringContaining('max_tokens=')]]);
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o', 'claude-3-5-sonnet-20241022', 'gpt-4o']);
  });

  it('a class of another package under the same alias is not LangChain', async () => {
    expect(await found('from mylib.chat import ChatOpenAI as LC', 'llm = LC(model="gpt-4o")')).toEqual([]);
  });
});

// A project's own wrapper named like LangChain's class (browser-use ships its own ChatOpenAI) takes other options:
// only a class whose import comes from a LangChain package is read as LangChain's.
describe('a ChatOpenAI that is not LangChain’s', () => {
  const ts = async (...l: string[]) => (await analyzeFile({ path: '/repo/src/chain.ts', text: `${l.join('\n')}\n` })).diagnostics.map((d) => [d.ruleId, d.range.start.line]);

  it('imported from a local module or another package, nothing is reported', async () => {
    expect(await ts("import { ChatOpenAI } from './llm';", "import { ChatPromptTemplate } from '@langchain/core/prompts';", "export const m = new ChatOpenAI({ model: 'gpt-4o' });")).toEqual([]);
    expect(await ts("const { ChatAnthropic } = require('../lib/models');", "module.exports = new ChatAnthropic({ model: 'claude-3-5-sonnet-20241022' });")).toEqual([]);
    expect(await found('from .llm import ChatOpenAI', 'from langchain_core.prompts import ChatPromptTemplate', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([]);
    expect(await found('from browser_use.llm import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([]);
  });

  it('imported from LangChain’s packages, old and new, the missing limit is reported', async () => {
    expect(await ts("import { ChatOpenAI } from '@langchain/openai';", "export const m = new ChatOpenAI({ model: 'gpt-4o' });")).toEqual([['missing-output-limit', 1]]);
    expect(await ts("import { ChatOpenAI } from 'langchain/chat_models/openai';", "export const m = new ChatOpenAI({ model: 'gpt-4o' });")).toEqual([['missing-output-limit', 1]]);
    expect(await ts("const { ChatMistralAI } = require('@langchain/mistralai');", "module.exports = new ChatMistralAI({ model: 'mistral-large-latest' });")).toEqual([['missing-output-limit', 1]]);
    expect(await found('from langchain.chat_models import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 1]]);
    expect(await found('from langchain_community.chat_models import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 1]]);
    expect(await found('import langchain_openai', 'llm = langchain_openai.ChatOpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 1]]);
  });
});

// A file that defines its own ChatOpenAI (a stub, a thin client over fetch) builds that class, whatever else it imports.
describe('a ChatOpenAI class defined in the same file', () => {
  const ts = async (...l: string[]) => (await analyzeFile({ path: '/repo/src/chain.ts', text: `${l.join('\n')}\n` })).diagnostics.map((d) => d.ruleId);

  it('is not LangChain’s, in TypeScript or Python, with or without LangChain imported beside it', async () => {
    expect(await ts('class ChatOpenAI { constructor(readonly o: { model: string }) {} }', "export const m = new ChatOpenAI({ model: 'gpt-4o' });")).toEqual([]);
    expect(await ts("import { ChatPromptTemplate } from '@langchain/core/prompts';", 'export class ChatAnthropic {}', "export const m = new ChatAnthropic({ model: 'claude-3-5-sonnet-20241022' });")).toEqual([]);
    expect(await found('class ChatOpenAI:', '    def __init__(self, model):', '        self.model = model', '', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([]);
    expect(await found('from langchain_core.prompts import ChatPromptTemplate', 'class ChatGroq:', '    pass', '', 'llm = ChatGroq(model="llama-3.3-70b-versatile")')).toEqual([]);
  });

  it('one imported from LangChain beside a local class of another name is still reported', async () => {
    expect(await ts("import { ChatOpenAI } from '@langchain/openai';", 'class Wrapper {}', "export const m = new ChatOpenAI({ model: 'gpt-4o' });")).toEqual(['missing-output-limit']);
    expect(await found('from langchain_openai import ChatOpenAI', 'class Wrapper:', '    pass', '', 'llm = ChatOpenAI(model="gpt-4o")')).toEqual([['missing-output-limit', 4]]);
  });
});

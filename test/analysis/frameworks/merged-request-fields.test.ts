/**
 * Fields an SDK merges into the request it sends carry a limit too: the OpenAI Agents SDK passes
 * `ModelSettings(extra_body=…)` as the OpenAI SDK's `extra_body` and spreads `extra_args` into
 * `create(**…)` (agents/models/openai_chatcompletions.py), and spreads the JS `modelSettings.providerData`
 * over the body after `max_tokens` (openaiChatCompletionsModel.ts); Pydantic AI passes
 * `model_settings["extra_body"]` on; google-genai merges `http_options.extra_body` / `httpOptions.extraBody`
 * into the REST body, whose `generationConfig.maxOutputTokens` is the limit. Before, each was reported
 * as a missing limit.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const found = async (path: string, ...l: string[]) => (await analyzeFile({ path: `/repo/${path}`, text: `${l.join('\n')}\n` })).diagnostics.map((d) => d.ruleId);
const AGENTS = 'from agents import Agent, ModelSettings';
const GENAI = ['from google import genai', 'from google.genai import types', 'client = genai.Client()'];

describe('a limit in a field the SDK merges into the request', () => {
  it('OpenAI Agents (Python): ModelSettings extra_body and extra_args', async () => {
    expect(await found('a.py', AGENTS, "agent = Agent(name='a', model='gpt-4o', model_settings=ModelSettings(extra_body={'max_tokens': 300}))")).toEqual([]);
    expect(await found('a.py', AGENTS, "agent = Agent(name='a', model='gpt-4o', model_settings=ModelSettings(extra_args={'max_completion_tokens': 300}))")).toEqual([]);
    expect(await found('a.py', AGENTS, "agent = Agent(name='a', model='gpt-4o', model_settings=ModelSettings(extra_body={'top_k': 5}))")).toEqual(['missing-output-limit']);
    expect(await found('a.py', AGENTS, 'from cfg import BODY', "agent = Agent(name='a', model='gpt-4o', model_settings=ModelSettings(extra_body=BODY))")).toEqual([]);
  });

  it('Pydantic AI: model_settings extra_body', async () => {
    expect(await found('a.py', 'from pydantic_ai import Agent', "agent = Agent('openai:gpt-4o', model_settings={'extra_body': {'max_tokens': 300}})")).toEqual([]);
    expect(await found('a.py', 'from pydantic_ai import Agent', "agent = Agent('openai:gpt-4o', model_settings={'temperature': 0})")).toEqual(['missing-output-limit']);
  });

  it('google-genai (Python): http_options extra_body, as a dict or types.HttpOptions', async () => {
    const body = "{'generationConfig': {'maxOutputTokens': 300}}";
    expect(await found('a.py', ...GENAI, `r = client.models.generate_content(model='gemini-2.5-flash', contents='hi', config={'http_options': {'extra_body': ${body}}})`)).toEqual([]);
    expect(await found('a.py', ...GENAI, `r = client.models.generate_content(model='gemini-2.5-flash', contents='hi', config=types.GenerateContentConfig(http_options=types.HttpOptions(extra_body=${body})))`)).toEqual([]);
    expect(await found('a.py', ...GENAI, "r = client.models.generate_content(model='gemini-2.5-flash', contents='hi', config={'http_options': {'timeout': 30}})")).toEqual(['missing-output-limit']);
  });

  it('@google/genai httpOptions.extraBody and @openai/agents modelSettings.providerData', async () => {
    const genai = ["import { GoogleGenAI } from '@google/genai';", 'const ai = new GoogleGenAI({});'];
    expect(await found('a.ts', ...genai, "await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { httpOptions: { extraBody: { generationConfig: { maxOutputTokens: 300 } } } } });")).toEqual([]);
    expect(await found('a.ts', ...genai, "await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { httpOptions: { timeout: 30 } } });")).toEqual(['missing-output-limit']);
    const agents = "import { Agent } from '@openai/agents';";
    expect(await found('a.ts', agents, "const a = new Agent({ name: 'a', model: 'gpt-4o', modelSettings: { providerData: { max_tokens: 300 } } });")).toEqual([]);
    expect(await found('a.ts', agents, "const a = new Agent({ name: 'a', model: 'gpt-4o', modelSettings: { providerData: { store: true } } });")).toEqual(['missing-output-limit']);
  });
});

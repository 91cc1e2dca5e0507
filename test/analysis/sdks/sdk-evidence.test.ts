/**
 * Callee names other libraries share count as an LLM SDK's only with evidence: `x.chat.complete`
 * (Mistral's, or a project's own API client), `chats.create` (Google Gen AI's chat session, or a
 * `chats` table), `OpenAI(...)` (LlamaIndex's LLM, or the OpenAI client, which sends nothing).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const lines = async (path: string, text: string) => (await analyzeFile({ path, text })).diagnostics.map((d) => d.range.start.line);

describe('SDK evidence for shared callee names', () => {
  it('chat.complete is Mistral’s only with a mistralai client or a Mistral model', async () => {
    const ts = [
      "import { api } from './api';",
      "import { client } from './llm';",
      'export const a = api.chat.complete({ id: 3 });',
      "export const b = client.chat.complete({ model: 'mistral-small-latest', messages: [] });",
      '',
    ].join('\n');
    expect(await lines('a.ts', ts)).toEqual([3]);
    expect(await lines('a.py', ['from app.chat import chat', 'chat.complete(user_id=3)', ''].join('\n'))).toEqual([]);
    const azure = ['from mistralai_azure import MistralAzure', 'MistralAzure(azure_endpoint="e", azure_api_key="k").chat.complete(model="azureai", messages=[])', ''].join('\n');
    expect(await lines('b.py', azure)).toEqual([1]);
  });

  it('chats.create is a Google Gen AI chat session in a file importing the SDK', async () => {
    const ts = [
      "import { GoogleGenAI } from '@google/genai';",
      'const ai = new GoogleGenAI({});',
      "export const chat = ai.chats.create({ model: 'gemini-2.0-flash', history: [] });",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'c.ts', text: ts });
    expect(r.diagnostics.map((d) => d.range.start.line)).toEqual([2]);
    expect(applyEdits(ts, r.diagnostics[0]!.fixes[0]!.edits)).toContain('history: [], config: { maxOutputTokens: 1024 } });');
    const py = ['from google import genai', 'client = genai.Client()', 'chat = client.chats.create(model="gemini-2.0-flash")', ''].join('\n');
    expect(await lines('c.py', py)).toEqual([2]);
    const db = ["import { db } from './db';", "export const row = db.chats.create({ title: 'x' });", ''].join('\n');
    expect(await lines('db.ts', db)).toEqual([]);
  });

  it('a LlamaIndex LLM without max_tokens is flagged; the OpenAI client and a set limit are not', async () => {
    const py = [
      'from llama_index.llms.openai import OpenAI',
      'from llama_index.llms.mistralai import MistralAI',
      'a = OpenAI(model="gpt-4o-mini", temperature=0)',
      'b = MistralAI(model="mistral-large-latest", max_tokens=256)',
      'c = OpenAI(model="gpt-4o", additional_kwargs={"max_tokens": 300})',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'li.py', text: py });
    expect(r.diagnostics.map((d) => d.range.start.line)).toEqual([2]);
    expect(applyEdits(py, r.diagnostics[0]!.fixes[0]!.edits)).toContain('OpenAI(model="gpt-4o-mini", temperature=0, max_tokens=1024)');
    expect(await lines('client.py', ['from openai import OpenAI', 'client = OpenAI(max_retries=2)', ''].join('\n'))).toEqual([]);
  });
});

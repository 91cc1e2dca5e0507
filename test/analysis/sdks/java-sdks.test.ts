/**
 * Java: openai-java (`client.chat().completions().create(ChatCompletionCreateParams.builder()…build())`,
 * `client.responses().create(ResponseCreateParams…)`) and anthropic-java
 * (`client.messages().create(MessageCreateParams…)`), read with the tree-sitter Java grammar. The
 * builder methods are the SDKs' own: maxCompletionTokens / maxTokens (chat), maxOutputTokens
 * (Responses), maxTokens (Anthropic, required).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, codeLanguageOf } from '../../../proxy/src/analysis/index';
import { disableNextLineFix } from '../../../proxy/src/analysis/suppression';
import { REASONING_SUGGESTED_LIMIT } from '../../../proxy/src/analysis/code/llm-call';
import { unitPrices } from '../../../proxy/src/pricing/price';
import { appliedCleanly } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const OPENAI_IMPORTS = [
  'import com.openai.client.OpenAIClient;',
  'import com.openai.client.okhttp.OpenAIOkHttpClient;',
  'import com.openai.models.ChatModel;',
  'import com.openai.models.chat.completions.ChatCompletion;',
  'import com.openai.models.chat.completions.ChatCompletionCreateParams;',
  'import com.openai.models.responses.ResponseCreateParams;',
  '',
];

const CHAT = lines(
  ...OPENAI_IMPORTS,
  'public final class Chat {',
  '    public static void main(String[] args) {',
  '        OpenAIClient client = OpenAIOkHttpClient.fromEnv();',
  '        ChatCompletionCreateParams createParams = ChatCompletionCreateParams.builder()',
  '                .model(ChatModel.GPT_4O)',
  '                .addDeveloperMessage("Make sure you mention Stainless!")',
  '                .addUserMessage("Tell me a story about building the best SDK!")',
  '                .build();',
  '        ChatCompletion completion = client.chat().completions().create(createParams);',
  '    }',
  '}',
);

describe('Java: openai-java and anthropic-java', () => {
  it('.java files are code', () => {
    expect(codeLanguageOf('/repo/src/main/java/Chat.java')).toBe('java');
  });

  it('a chat call without a limit is reported at the constant’s model; the fix adds .maxCompletionTokens before .build()', async () => {
    const r = await analyzeFile({ path: '/repo/Chat.java', text: CHAT });
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.label).toMatch(/^gpt-4o: \d+ input tokens/);
    expect(r.calls[0]!.placeholders).toBe(0);
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[15, 'missing-output-limit']]);
    const fix = r.diagnostics[0]!.fixes[0]!;
    expect(fix.title).toBe('Add .maxCompletionTokens(1024L)');
    const fixed = await appliedCleanly('java', '/repo/Chat.java', CHAT, fix.edits);
    expect(fixed).toContain('!")\n                .maxCompletionTokens(1024L)\n                .build();');
  });

  it.each([
    ['maxCompletionTokens', 'client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").maxCompletionTokens(300L).addUserMessage("hi").build());', 300],
    ['maxTokens', 'client.chat().completions().create(ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).maxTokens(200).addUserMessage("hi").build());', 200],
    ['Responses maxOutputTokens', 'client.responses().create(ResponseCreateParams.builder().input("hi").model(ChatModel.GPT_4_1).maxOutputTokens(150L).build());', 150],
  ])('a limit set: %s', async (_, line, limit) => {
    const text = lines(...OPENAI_IMPORTS, 'class A {', '    void run(OpenAIClient client) {', `        ${line}`, '    }', '}');
    const r = await analyzeFile({ path: '/repo/A.java', text });
    expect(r.diagnostics).toEqual([]);
    expect(r.calls[0]!.label).toContain(`with ${limit.toLocaleString('en-US')} output`);
  });

  it('a limit set on a builder variable counts; params from a parameter or toBuilder() are unknown', async () => {
    const text = lines(
      ...OPENAI_IMPORTS,
      'class A {',
      '    void run(OpenAIClient client, ChatCompletionCreateParams p) {',
      '        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage("x");',
      '        b.maxTokens(100);',
      '        client.chat().completions().create(b.build());',
      '        client.chat().completions().create(p);',
      '        client.chat().completions().create(p.toBuilder().model("gpt-4o").build());',
      '    }',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/A.java', text });
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toHaveLength(3);
    expect(r.calls[1]!.unseen).toContain('arguments');
  });

  it('a builder field configured in the constructor, and builders from methods of the class, are read where they are set', async () => {
    const text = lines(
      ...OPENAI_IMPORTS,
      'class A {',
      '    private final ChatCompletionCreateParams.Builder builder = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI);',
      '    private final ChatCompletionCreateParams.Builder other = ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI);',
      '    A() {',
      '        builder.maxCompletionTokens(300);',
      '        this.other.maxCompletionTokens(200);',
      '    }',
      '    ChatCompletionCreateParams.Builder limited() {',
      '        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_5_1).maxCompletionTokens(400);',
      '    }',
      '    ChatCompletionCreateParams.Builder bare() {',
      '        return ChatCompletionCreateParams.builder().model(ChatModel.GPT_5_1);',
      '    }',
      '    void run(OpenAIClient client) {',
      '        client.chat().completions().create(builder.addUserMessage("Hi").build());',
      '        client.chat().completions().create(other.addUserMessage("Hi").build());',
      '        client.chat().completions().create(limited().addUserMessage("Hi").build());',
      '        client.chat().completions().create(bare().addUserMessage("Hi").build());',
      '    }',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/A.java', text });
    expect(r.calls.map((c) => c.label.split(':')[0])).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-5.1', 'gpt-5.1']);
    expect(r.calls.slice(0, 3).map((c) => /with ([\d,]+) output/.exec(c.label)?.[1])).toEqual(['300', '200', '400']);
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[24, 'missing-output-limit']]);
    // gpt-5.1 reasons by default (its family's catalogue entry, gpt-5): the fix leaves room for reasoning.
    expect(r.diagnostics[0]!.fixes[0]!.title).toBe(`Add .maxCompletionTokens(${REASONING_SUGGESTED_LIMIT}L)`);
    const fixed = await appliedCleanly('java', '/repo/A.java', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain(`bare().addUserMessage("Hi").maxCompletionTokens(${REASONING_SUGGESTED_LIMIT}L).build()`);
  });

  it('Responses without a limit: the fix adds .maxOutputTokens inline in a one-line chain', async () => {
    const text = lines(...OPENAI_IMPORTS, 'class A {', '    void run(OpenAIClient client) {', '        client.responses().create(ResponseCreateParams.builder().input("Tell me a story.").model(ChatModel.GPT_4_1).build());', '    }', '}');
    const r = await analyzeFile({ path: '/repo/A.java', text });
    expect(r.calls[0]!.label).toMatch(/^gpt-4\.1: /);
    const fixed = await appliedCleanly('java', '/repo/A.java', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('.model(ChatModel.GPT_4_1).maxOutputTokens(1024L).build());');
  });

  it('anthropic-java without maxTokens is the API error; with it, nothing', async () => {
    const text = lines(
      'import com.anthropic.client.AnthropicClient;',
      'import com.anthropic.client.okhttp.AnthropicOkHttpClient;',
      'import com.anthropic.models.messages.MessageCreateParams;',
      'import com.anthropic.models.messages.Model;',
      '',
      'class Claude {',
      '    void run() {',
      '        AnthropicClient client = AnthropicOkHttpClient.fromEnv();',
      '        MessageCreateParams params = MessageCreateParams.builder()',
      '                .model(Model.CLAUDE_SONNET_4_20250514)',
      '                .system("You are a poet.")',
      '                .addUserMessage("Write a haiku about the sea.")',
      '                .build();',
      '        client.messages().create(params);',
      '        client.messages().create(MessageCreateParams.builder().maxTokens(1024L).addUserMessage("Hello, Claude").model(Model.CLAUDE_3_5_SONNET_LATEST).build());',
      '    }',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/Claude.java', text });
    expect(r.calls.map((c) => c.label.split(':')[0])).toEqual(['claude-sonnet-4-20250514', 'claude-3-5-sonnet-latest']);
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[13, 'anthropic-missing-max-tokens']]);
    const fixed = await appliedCleanly('java', '/repo/Claude.java', text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('sea.")\n                .maxTokens(1024L)\n                .build();');
  });

  it('a client with baseUrl at Groq is priced at Groq’s rate and gets maxTokens', async () => {
    const text = lines(
      ...OPENAI_IMPORTS,
      'class A {',
      '    void run() {',
      '        OpenAIClient groq = OpenAIOkHttpClient.builder().apiKey(System.getenv("GROQ_API_KEY")).baseUrl("https://api.groq.com/openai/v1").build();',
      '        groq.chat().completions().create(ChatCompletionCreateParams.builder().model("llama-3.3-70b-versatile").addUserMessage("Say hi.").build());',
      '    }',
      '}',
    );
    const r = await analyzeFile({ path: '/repo/A.java', text });
    const lens = r.calls[0]!;
    expect(lens.label).toContain('(groq)');
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * unitPrices('llama-3.3-70b-versatile', 'groq')!.inputPerMTok) / 1e6, 12);
    expect(r.diagnostics[0]!.fixes[0]!.title).toBe('Add .maxTokens(1024L)');
  });

  it('create() of another library (no openai/anthropic import) is not a call', async () => {
    const text = lines('import com.acme.Client;', 'class A { void run(Client client) { client.messages().create(params); client.chat().completions().create(x); } }');
    expect((await analyzeFile({ path: '/repo/A.java', text })).calls).toEqual([]);
  });

  it('the Disable action writes a `//` directive that suppresses the finding', async () => {
    const r = await analyzeFile({ path: '/repo/Chat.java', text: CHAT });
    const text = await appliedCleanly('java', '/repo/Chat.java', CHAT, disableNextLineFix('/repo/Chat.java', CHAT, r.diagnostics[0]!).edits);
    expect(text).toContain('        // tollgate-disable-next-line missing-output-limit\n        ChatCompletion completion');
  });
});

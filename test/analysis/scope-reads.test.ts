/**
 * Go and Java files with many calls on one client field or package variable: each call looks the
 * client up (for its base URL), and that lookup read the whole class or file again every time, so
 * a 5,000-line file took seconds per analysis. The declarations of a scope are now read once per
 * analysis: the number of whole-file reads must not grow with the number of calls, and every call
 * is still judged.
 */
import { Node } from 'web-tree-sitter';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis/index';

function javaFile(calls: number): string {
  const out = [
    'import com.openai.client.OpenAIClient;',
    'import com.openai.client.okhttp.OpenAIOkHttpClient;',
    'import com.openai.models.chat.completions.ChatCompletionCreateParams;',
    'class Handlers {',
    '  private final OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("https://api.groq.com/openai/v1").build();',
  ];
  for (let i = 0; i < calls; i++) {
    out.push(`  String handler${i}(String q) {`, '    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model("llama-3.3-70b-versatile").addUserMessage(q);');
    if (i % 2 === 0) out.push(`    b.maxTokens(${100 + i}L);`);
    out.push('    return client.chat().completions().create(b.build()).toString();', '  }');
  }
  return `${[...out, '}'].join('\n')}\n`;
}

function goFile(calls: number): string {
  const out = ['package main', 'import (', '  "context"', '  "github.com/openai/openai-go"', '  "github.com/openai/openai-go/option"', ')', 'var client = openai.NewClient(option.WithBaseURL("https://api.groq.com/openai/v1"))'];
  for (let i = 0; i < calls; i++) {
    out.push(`func handler${i}(ctx context.Context, q string) {`, '  params := openai.ChatCompletionNewParams{', '    Model: "llama-3.3-70b-versatile",', '    Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(q)},', '  }');
    if (i % 2 === 0) out.push(`  params.MaxTokens = openai.Int(${100 + i})`);
    out.push('  client.Chat.Completions.New(ctx, params)', '}');
  }
  return `${out.join('\n')}\n`;
}

/** Calls on package-level params (one given a limit in `init()`, one not): each call reads the params' field writes. */
function goPackageParams(calls: number): string {
  const params = (name: string) => [`var ${name} = openai.ChatCompletionNewParams{`, '  Model: "gpt-4o",', '  Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},', '}'];
  const out = ['package main', 'import (', '  "context"', '  "github.com/openai/openai-go"', ')', 'var client = openai.NewClient()', ...params('limited'), ...params('open'), 'func init() {', '  limited.MaxTokens = openai.Int(300)', '}'];
  for (let i = 0; i < calls; i++) out.push(`func handler${i}(ctx context.Context) {`, `  client.Chat.Completions.New(ctx, ${i % 2 === 0 ? 'open' : 'limited'})`, '}');
  return `${out.join('\n')}\n`;
}

/** Calls building from builder fields (one given a limit in the constructor, one not): each call reads the fields' other calls. */
function javaBuilderFields(calls: number): string {
  const out = [
    'import com.openai.client.OpenAIClient;',
    'import com.openai.client.okhttp.OpenAIOkHttpClient;',
    'import com.openai.models.chat.completions.ChatCompletionCreateParams;',
    'class Handlers {',
    '  private final OpenAIClient client = OpenAIOkHttpClient.fromEnv();',
    '  private final ChatCompletionCreateParams.Builder limited = ChatCompletionCreateParams.builder().model("gpt-4o");',
    '  private final ChatCompletionCreateParams.Builder open = ChatCompletionCreateParams.builder().model("gpt-4o");',
    '  Handlers() {',
    '    limited.maxCompletionTokens(300L);',
    '  }',
  ];
  for (let i = 0; i < calls; i++) out.push(`  String handler${i}() {`, `    return client.chat().completions().create(${i % 2 === 0 ? 'open' : 'limited'}.build()).toString();`, '  }');
  return `${[...out, '}'].join('\n')}\n`;
}

/** Analyses the file and counts the descendant searches started at a node of one of `wholeFile`'s types. */
async function wholeFileReads(path: string, text: string, wholeFile: string[]) {
  const search = Node.prototype.descendantsOfType;
  let reads = 0;
  vi.spyOn(Node.prototype, 'descendantsOfType').mockImplementation(function (this: Node, ...args: Parameters<Node['descendantsOfType']>) {
    if (wholeFile.includes(this.type)) reads++;
    return search.apply(this, args);
  });
  const r = await analyzeFile({ path, text });
  vi.restoreAllMocks();
  return { reads, findings: r.diagnostics, calls: r.calls };
}

afterEach(() => vi.restoreAllMocks());

describe('declarations are read once per scope', () => {
  it('Java: a class of calls on a client field reads the class body a fixed number of times', async () => {
    const few = await wholeFileReads('Handlers.java', javaFile(6), ['class_body', 'program']);
    const many = await wholeFileReads('Handlers.java', javaFile(30), ['class_body', 'program']);
    expect(many.reads).toBe(few.reads);
    expect(many.findings.filter((f) => f.ruleId === 'missing-output-limit')).toHaveLength(15);
    // The client's base URL is still followed for every call: Groq's rate and a max_tokens fix.
    expect(many.findings.map((f) => f.fixes[0]?.edits[0]?.newText)).toEqual(Array(15).fill('.maxTokens(1024L)'));
    expect(many.calls.map((c) => c.label.split(':')[0])).toEqual(Array(30).fill('llama-3.3-70b-versatile (groq)'));
  });

  it('Go: a file of calls on a package-level client reads the file a fixed number of times', async () => {
    const few = await wholeFileReads('handlers.go', goFile(6), ['source_file']);
    const many = await wholeFileReads('handlers.go', goFile(30), ['source_file']);
    expect(many.reads).toBe(few.reads);
    expect(many.findings.filter((f) => f.ruleId === 'missing-output-limit')).toHaveLength(15);
    expect(many.findings.map((f) => f.fixes[0]?.edits[0]?.newText.trim())).toEqual(Array(15).fill('MaxTokens: openai.Int(1024),'));
    expect(many.calls.map((c) => c.label.split(':')[0])).toEqual(Array(30).fill('llama-3.3-70b-versatile (groq)'));
  });

  it('Go: calls on package-level params read the file\'s field writes a fixed number of times', async () => {
    const few = await wholeFileReads('handlers.go', goPackageParams(6), ['source_file']);
    const many = await wholeFileReads('handlers.go', goPackageParams(30), ['source_file']);
    expect(many.reads).toBe(few.reads);
    // The limit written in init() still counts for every call on those params, and only for them.
    expect(many.findings.map((f) => f.range.start.line)).toEqual(Array.from({ length: 15 }, (_, i) => 18 + 6 * i));
  });

  it('Java: calls on builder fields read the class\'s calls on them a fixed number of times', async () => {
    const few = await wholeFileReads('Handlers.java', javaBuilderFields(6), ['class_body', 'program']);
    const many = await wholeFileReads('Handlers.java', javaBuilderFields(30), ['class_body', 'program']);
    expect(many.reads).toBe(few.reads);
    // The limit the constructor sets still counts for every call on that builder, and only for it.
    expect(many.findings.map((f) => f.range.start.line)).toEqual(Array.from({ length: 15 }, (_, i) => 11 + 6 * i));
  });
});

/**
 * Cases a probe with real-world prompts and code found wrong: negated unbounded-output phrases,
 * LangChain's `init_chat_model` model argument, limits sent through `extra_body`, Bedrock model
 * prices and setext headings, Vertex AI and AI Gateway Claude ids, LiteLLM's Claude default.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, type FileAnalysis } from '../../proxy/src/analysis/index';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const byRule = (r: FileAnalysis, rule: string) => r.diagnostics.filter((d) => d.ruleId === rule);
const template = (text: string) => analyzeFile({ path: '/repo/prompts/review.md', text });

describe('unbounded-output reads negations', () => {
  it('does not report a phrase its clause negates', async () => {
    const r = await template(
      lines(
        'You are a code reviewer.',
        'Do not list all the files in the diff; mention only the ones with problems.',
        'Never be exhaustive: three findings at most.',
        "Avoid making the answer as long as possible, and don't list every warning.",
        'The checklist below is not exhaustive.',
      ),
    );
    expect(byRule(r, 'unbounded-output')).toEqual([]);
  });

  it('reads "non-exhaustive" and the French negations of "exhaustive", a French word too', async () => {
    const r = await template(
      lines(
        'You answer questions about French law for the user, in the language of the question.',
        'Below is a non-exhaustive list of the rules you follow.',
        "Ta réponse ne doit pas être exhaustive : cite seulement l'article le plus pertinent.",
        'Sans être exhaustive, la réponse reste exacte.',
        'Évite une liste exhaustive.',
      ),
    );
    expect(byRule(r, 'unbounded-output')).toEqual([]);
    // A French line of an English prompt that asks for everything is still reported; a French prompt is not read.
    const asks = await template(lines('You answer questions about French law for the user.', 'Donne une liste exhaustive des articles applicables.'));
    expect(byRule(asks, 'unbounded-output').map((d) => d.range.start.line)).toEqual([1]);
    expect(byRule(await template(lines('Donne une liste exhaustive des articles applicables.')), 'unbounded-output')).toEqual([]);
  });

  it('still reports the phrase when the negation is in another clause or does not negate it', async () => {
    const r = await template(lines('If the diff is not clear, list all assumptions.', 'Not only summarise: be exhaustive.', 'Instead of summarising, list every change.'));
    const u = byRule(r, 'unbounded-output');
    expect(u).toHaveLength(1);
    expect(u[0]!.message).toContain('"list all"');
    expect(u[0]!.message).toContain('"exhaustive"');
    expect(u[0]!.message).toContain('"list every"');
  });

  it('does not report a phrase its sentence caps with a count of the reply', async () => {
    const capped = await template(
      lines('List all the files that changed, no more than ten.', 'Be as detailed as possible, in at most 200 words.', 'In at most 5 bullets, list every risk.', 'List each open question (max 3).'),
    );
    expect(byRule(capped, 'unbounded-output')).toEqual([]);
    // A count of something else filters what to list; a cap in another sentence leaves this one open.
    const u = byRule(await template(lines('List all products that cost at most 10 dollars.', 'Be exhaustive. Use at most 3 words per point.')), 'unbounded-output');
    expect(u).toHaveLength(1);
    expect(u[0]!.message).toContain('"List all"');
    expect(u[0]!.message).toContain('"exhaustive"');
  });

  it('reads adverbial "as much as possible" as how to work, and "as much detail as possible" as a request', async () => {
    const adverbial = await template(lines('Reuse the existing helpers as much as possible.', 'Rely on the standard library as much as you can.'));
    expect(byRule(adverbial, 'unbounded-output')).toEqual([]);
    const asks = byRule(await template(lines('Give as much detail as possible about each step.', 'Explain it in as much detail as you can.', 'Suggest as many ideas as possible.')), 'unbounded-output');
    expect(asks).toHaveLength(1);
    expect(asks[0]!.message).toMatch(/^"as much detail as possible", "as much detail as you can", "as many ideas as possible" ask/);
  });

  it('reads a cap written after the noun, as a clause of its own, or as a length', async () => {
    const capped = await template(
      lines(
        'List every risk, 5 bullet points max.',
        'Be as detailed as possible, two sentences or fewer.',
        'List all findings, three at the most.',
        'List every bug (3 max).',
        'Explain as thoroughly as possible, but no longer than a tweet.',
        'Be exhaustive, in under 100 words.',
        'List all issues; keep it to 3 bullets.',
      ),
    );
    expect(byRule(capped, 'unbounded-output')).toEqual([]);
    // A count after something else is a filter: these still ask for everything.
    const u = byRule(await template(lines('List all products that cost 10 dollars or less.', 'List every user aged 30 or fewer.')), 'unbounded-output');
    expect(u).toHaveLength(1);
    expect(u[0]!.message).toMatch(/^"List all", "List every" ask/);
  });

  it('does not report a request quoted on its line, which someone else makes', async () => {
    const r = await template(lines('When you start, begin with: "List all applications you have access to"', 'Then list every application that failed.'));
    expect(byRule(r, 'unbounded-output').map((d) => d.range.start.line)).toEqual([1]);
  });

  it('merges repeats of one phrase into a finding that quotes it once, in the singular', async () => {
    const u = byRule(await template(lines('Be exhaustive about bugs.', 'Be exhaustive about style.')), 'unbounded-output');
    expect(u.map((d) => d.message.slice(0, d.message.indexOf(' unbounded')))).toEqual(['"exhaustive" asks for']);
  });
});

const code = (path: string, ...l: string[]) => analyzeFile({ path, text: lines(...l) });

describe("LangChain's init_chat_model takes the model as its first argument", () => {
  it('Python: prices the positional model and reads configurable_fields', async () => {
    const r = await code(
      '/repo/app/llm.py',
      'from langchain.chat_models import init_chat_model',
      'a = init_chat_model("gpt-4o", model_provider="openai")',
      'b = init_chat_model("anthropic:claude-3-5-sonnet-latest", max_tokens=500)',
      'c = init_chat_model("gpt-4o", configurable_fields="any")',
      'd = init_chat_model("gpt-4o", configurable_fields=("max_tokens", "temperature"))',
      'e = init_chat_model("gpt-4o", configurable_fields=["temperature"])',
    );
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o', 'claude-3-5-sonnet-latest', 'gpt-4o', 'gpt-4o', 'gpt-4o']);
    expect(r.calls.map((c) => c.unseen ?? [])).toEqual([[], [], [], [], []]);
    // Each request's config may set a configurable limit: c and d are unknown, not missing.
    expect(byRule(r, 'missing-output-limit').map((d) => d.range.start.line)).toEqual([1, 5]);
    expect(byRule(r, 'missing-output-limit')[0]!.message).toContain("gpt-4o's maximum");
  });

  it('TypeScript: reads the model and the fields argument', async () => {
    const r = await code(
      '/repo/src/llm.ts',
      "import { initChatModel } from 'langchain/chat_models/universal';",
      "export const a = await initChatModel('gpt-4o', { modelProvider: 'openai', temperature: 0 });",
      "export const b = await initChatModel('gpt-4o', { maxTokens: 300 });",
      "export const c = await initChatModel('claude-3-5-sonnet-latest', { modelProvider: 'anthropic' });",
      "export const d = await initChatModel('openai:gpt-4o-mini');",
      "export const e = await initChatModel('gemini-2.0-flash', { modelProvider: 'google-genai' });",
      "export const f = await initChatModel('gpt-4o', { configurableFields: 'any' });",
    );
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o', 'gpt-4o', 'claude-3-5-sonnet-latest', 'gpt-4o-mini', 'gemini-2.0-flash', 'gpt-4o']);
    expect(r.calls[1]!.label).toContain('with 300 output');
    const missing = byRule(r, 'missing-output-limit');
    expect(missing.map((d) => d.range.start.line)).toEqual([1, 4]);
    expect(missing.map((d) => d.fixes[0]!.edits[0]!.newText)).toEqual([', maxTokens: 1024', ', { maxTokens: 1024 }']);
  });
});

describe('extra_body is part of the request', () => {
  it('counts a limit the OpenAI SDK sends through extra_body, and an unreadable extra_body as unknown', async () => {
    const r = await code(
      '/repo/app/chat.py',
      'from openai import OpenAI',
      'from .cfg import EXTRA',
      'client = OpenAI()',
      'msgs = [{"role": "user", "content": "hi"}]',
      'a = client.chat.completions.create(model="gpt-4o", messages=msgs, extra_body={"max_tokens": 300})',
      'b = client.chat.completions.create(model="gpt-4o", messages=msgs, extra_body=EXTRA)',
      'c = client.chat.completions.create(model="gpt-4o", messages=msgs, extra_body={"top_k": 20})',
    );
    expect(r.calls[0]!.label).toContain('with 300 output');
    expect(byRule(r, 'missing-output-limit').map((d) => d.range.start.line)).toEqual([6]);
  });
});

describe('Bedrock models other than Claude keep the id they are priced under', () => {
  it('prices Nova, Llama and Mixtral on Bedrock at Bedrock’s rate', async () => {
    const r = await code(
      '/repo/app/bedrock.py',
      'import boto3',
      'brt = boto3.client("bedrock-runtime")',
      'msgs = [{"role": "user", "content": [{"text": "Hello there"}]}]',
      'a = brt.converse(modelId="us.amazon.nova-lite-v1:0", messages=msgs, inferenceConfig={"maxTokens": 100})',
      'b = brt.converse(modelId="meta.llama3-70b-instruct-v1:0", messages=msgs, inferenceConfig={"maxTokens": 100})',
      'c = brt.converse(modelId="mistral.mixtral-8x7b-instruct-v0:1", messages=msgs, inferenceConfig={"maxTokens": 100})',
      'd = brt.converse(modelId="us.anthropic.claude-3-5-sonnet-20241022-v2:0", messages=msgs, inferenceConfig={"maxTokens": 100})',
    );
    expect(r.calls.map((c) => c.model)).toEqual(['amazon.nova-lite-v1:0', 'meta.llama3-70b-instruct-v1:0', 'mistral.mixtral-8x7b-instruct-v0:1', 'claude-3-5-sonnet-20241022']);
    for (const c of r.calls) expect(c.label).not.toContain('no known price');
    // Mixtral costs $0.45 / $0.70 per million tokens on Bedrock (not another host's $0.70 input).
    const mixtral = r.calls[2]!;
    expect(mixtral.worstCaseOutputUsd! - mixtral.inputUsd).toBeCloseTo((100 * 0.7) / 1e6, 10);
    expect(mixtral.inputUsd / mixtral.inputTokens).toBeCloseTo(0.45 / 1e6, 12);
  });
});

describe('an underlined (setext) Markdown heading is a heading, not a separator', () => {
  it('offers the ATX heading instead of deleting the underline, and still removes a real separator', async () => {
    const text = lines('Project Overview', '================', '', 'This repo holds the billing service.', '', '==========', '', 'Answer in English.');
    const r = await analyzeFile({ path: '/repo/AGENTS.md', text });
    const f = byRule(r, 'wasteful-formatting');
    const heading = f.find((d) => d.range.start.line === 1);
    expect(heading?.message).toContain('"# Project Overview"');
    const edit = heading!.fixes[0]!.edits[0]!;
    expect(edit).toEqual({ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 16 } }, newText: '# Project Overview' });
    expect(f.find((d) => d.range.start.line === 5)?.message).toContain('Decorative separator line');
  });
});

describe('template logic is neither prompt text nor a placeholder', () => {
  it('does not count Jinja statements as tokens or Handlebars/Dotprompt block tags as placeholders', async () => {
    const jinja = (body: string) => analyzeFile({ path: '/repo/prompts/rag.prompt.txt', text: body });
    const withLoop = await jinja(lines('Answer from the context.', '{% for doc in documents %}', '{{ doc.content }}', '{% endfor %}', 'Question: {{ question }}'));
    const without = await jinja(lines('Answer from the context.', '', '{{ doc.content }}', '', 'Question: {{ question }}'));
    expect(withLoop.calls[0]!.inputTokens).toBe(without.calls[0]!.inputTokens);
    expect(withLoop.calls[0]!.placeholders).toBe(2);

    const dot = await analyzeFile(
      {
        path: '/repo/prompts/greet.prompt',
      text: lines('---', 'model: googleai/gemini-2.0-flash', '---', '{{role "system"}}', 'You greet people.', '{{role "user"}}', '{{#if style}}In the style of {{style}}: {{/if}}Greet {{name}}.'),
      },
      { promptGlobs: ['**/prompts/**/*.prompt'] },
    );
    expect(dot.calls[0]!.placeholders).toBe(2);
  });
});

describe('politeness leaves quoted text alone', () => {
  it('does not report a "please" the prompt quotes, only its own', async () => {
    const r = await template(lines('When the user writes "please fix this", reply with a patch.', 'If they say “thank you”, do not answer.', 'Please answer in English.'));
    expect(byRule(r, 'politeness').map((d) => d.range.start.line)).toEqual([2]);
  });
});

describe('Vertex AI and AI Gateway spellings of Claude ids have their real maximum output', () => {
  it.each([
    // Vertex AI: `@` before the version, and `-v2` in the 3.5 Sonnet v2 id.
    ['claude-3-5-sonnet-20241022', '8,192', '/repo/v.ts', "import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';\nconst client = new AnthropicVertex();\nawait client.messages.create({ model: 'claude-3-5-sonnet-v2@20241022', messages: [{ role: 'user', content: 'Hi' }] });\n"],
    ['claude-sonnet-4-5-20250929', '64,000', '/repo/v.py', 'from anthropic import AnthropicVertex\nclient = AnthropicVertex(region="us-east5", project_id="p")\nclient.messages.create(model="claude-sonnet-4-5@20250929", messages=[{"role": "user", "content": "Hi"}])\n'],
    // Vercel's AI Gateway (and OpenRouter) write the version with a dot.
    ['claude-sonnet-4-5', '64,000', '/repo/g.ts', "import { generateText } from 'ai';\nawait generateText({ model: 'anthropic/claude-sonnet-4.5', prompt: 'Hi' });\n"],
    ['claude-3-5-haiku', '8,192', '/repo/o.ts', "import { generateText } from 'ai';\nawait generateText({ model: 'anthropic/claude-3.5-haiku', prompt: 'Hi' });\n"],
  ])('%s: at most %s output tokens', async (model, max, path, text) => {
    const r = await analyzeFile({ path, text });
    expect(r.calls[0]!.label.startsWith(`${model}: `)).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    // Not the 200,000-token context window an unknown id falls back to.
    expect(r.diagnostics[0]!.message).toContain(`${model}'s maximum of ${max} output tokens`);
  });
});

describe('LiteLLM fills in max_tokens for Claude on Anthropic’s API', () => {
  it('a Claude call without a limit says LiteLLM sends the model’s maximum; other models and routes do not', async () => {
    const call = (model: string) => lines('import litellm', `r = litellm.completion(model="${model}", messages=[{"role": "user", "content": "Hi"}])`);
    for (const model of ['claude-sonnet-4-5', 'anthropic/claude-3-5-haiku-20241022']) {
      const [f, ...rest] = (await analyzeFile({ path: '/repo/l.py', text: call(model) })).diagnostics;
      expect(rest).toEqual([]);
      expect(f!.ruleId).toBe('missing-output-limit');
      expect(f!.message).toContain("(LiteLLM then sends the model's maximum output as max_tokens, 4,096 in older releases)");
      expect(f!.fixes[0]!.title).toBe('Add max_tokens=1024');
    }
    for (const model of ['gpt-4o', 'bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0']) {
      const [f] = (await analyzeFile({ path: '/repo/l.py', text: call(model) })).diagnostics;
      expect(f!.message).not.toContain('LiteLLM then sends');
    }
    const limited = lines('from litellm import acompletion', 'async def f():', '    return await acompletion(model="claude-sonnet-4-5", max_tokens=300, messages=[])');
    expect((await analyzeFile({ path: '/repo/l.py', text: limited })).diagnostics).toEqual([]);
  });
});

describe('SDKs that fill in max_tokens for Claude say so', () => {
  it('LiteLLM on Vertex AI (vertex_ai/claude-…) extends its Anthropic config, default and all', async () => {
    const text = lines('import litellm', 'r = litellm.completion(model="vertex_ai/claude-3-5-sonnet-v2@20241022", messages=[{"role": "user", "content": "Hi"}])');
    const [f, ...rest] = (await analyzeFile({ path: '/repo/l.py', text })).diagnostics;
    expect(rest).toEqual([]);
    expect(f!.message).toContain("(LiteLLM then sends the model's maximum output as max_tokens, 4,096 in older releases)");
  });

  it('@ai-sdk/anthropic (and its Vertex provider) names its default; other AI SDK providers do not', async () => {
    const ts = (imp: string, model: string) =>
      lines("import { generateText } from 'ai';", imp, `const m = ${model};`, "export const r = await generateText({ model: m, prompt: 'Hi' });");
    for (const [imp, model] of [
      ["import { anthropic } from '@ai-sdk/anthropic';", "anthropic('claude-sonnet-4-5')"],
      ["import { createAnthropic } from '@ai-sdk/anthropic';", "createAnthropic({ apiKey: 'k' })('claude-3-5-haiku-20241022')"],
      ["import { vertexAnthropic } from '@ai-sdk/google-vertex/anthropic';", "vertexAnthropic('claude-sonnet-4-5@20250929')"],
    ]) {
      const [f, ...rest] = (await analyzeFile({ path: '/repo/a.ts', text: ts(imp!, model!) })).diagnostics;
      expect(rest).toEqual([]);
      expect([model, f!.message]).toEqual([model, expect.stringContaining("(@ai-sdk/anthropic then sends the model's maximum output as max_tokens, 4,096 before its 3.0)")]);
    }
    const [o] = (await analyzeFile({ path: '/repo/a.ts', text: ts("import { openai } from '@ai-sdk/openai';", "openai('gpt-4o')") })).diagnostics;
    expect(o!.message).not.toContain('max_tokens');
  });
});

describe('LiteLLM Router calls', () => {
  const deployments = (fast: string) =>
    `model_list = [{"model_name": "fast", "litellm_params": {"model": "o3"${fast}}}, {"model_name": "claude", "litellm_params": {"model": "anthropic/claude-sonnet-4-5"}}]`;
  const file = (...l: string[]) => analyzeFile({ path: '/repo/r.py', text: lines(...l) });

  it('reads the model group from the model list and reports a call no deployment limits, sized for the deployed model', async () => {
    const r = await file('from litellm import Router', deployments(''), 'router = Router(model_list=model_list)', 'r = router.completion(model="fast", messages=[{"role": "user", "content": "Hi"}])');
    expect(r.calls.map((c) => c.model)).toEqual(['o3']);
    const [f, ...rest] = r.diagnostics;
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/^router\.completion\(\) sets no output limit: /);
    expect(f!.fixes.map((x) => x.title)).toEqual(['Add max_tokens=25000']);
    const claude = await file('import litellm', deployments(''), 'class Bot:', '    def __init__(self):', '        self.router = litellm.Router(model_list=model_list)', '    async def ask(self):', '        return await self.router.acompletion(model="claude", messages=[])');
    expect(claude.calls.map((c) => c.model)).toEqual(['claude-sonnet-4-5']);
    expect(claude.diagnostics[0]!.message).toContain("(LiteLLM then sends the model's maximum output as max_tokens, 4,096 in older releases)");
  });

  it('a limit in the deployment params or the call counts; a model list or defaults it cannot read leave the limit unknown', async () => {
    const quiet = [
      ['from litellm import Router', deployments(', "max_tokens": 500'), 'router = Router(model_list=model_list)', 'r = router.completion(model="fast", messages=[])'],
      ['from litellm import Router', deployments(''), 'router = Router(model_list=model_list)', 'r = router.completion(model="fast", messages=[], max_tokens=300)'],
      ['from litellm import Router', deployments(''), 'router = Router(model_list=model_list)', 'r = router.completion(model="elsewhere", messages=[])'],
      ['from litellm import Router', 'import yaml', 'router = Router(model_list=yaml.safe_load(open("c.yaml"))["model_list"])', 'r = router.completion(model="fast", messages=[])'],
      ['from litellm import Router', deployments(''), 'router = Router(model_list=model_list, default_litellm_params={"max_tokens": 100})', 'r = router.completion(model="fast", messages=[])'],
      ['import litellm', 'from app.routing import Router', 'router = Router()', 'r = router.completion(model="fast", messages=[])'],
    ];
    for (const l of quiet) expect([l.at(-1), (await file(...l)).diagnostics]).toEqual([l.at(-1), []]);
    const limited = await file('from litellm import Router', deployments(', "max_tokens": 500'), 'router = Router(model_list=model_list)', 'r = router.completion(model="fast", messages=[])');
    expect(limited.calls[0]!.worstCaseOutputUsd).toBeDefined();
  });
});

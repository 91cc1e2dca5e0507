/**
 * Prompt-file cases a probe found wrong: model ids with ":", Prompty `${env:…}` values, promptfoo
 * providers that are not models or have a default limit, CRLF and BOM files, YAML errors, the
 * directory walk, GitHub Models' `maxTokens`, template branches and many fence openers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { analyzeFile, type FileAnalysis } from '../../proxy/src/analysis/index';
import { normaliseModelName } from '../../proxy/src/analysis/prompt/model-names';
import { fencedBlocks } from '../../proxy/src/analysis/text/fences';
import { analyzePaths, collectFiles } from '../../proxy/src/analysis/workspace/collect';
import { unitPrices } from '../../proxy/src/pricing/price';
import { applyEdits } from './support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const limitFindings = (r: FileAnalysis) => r.diagnostics.filter((d) => d.ruleId === 'prompt-missing-output-limit');
const rules = (r: FileAnalysis) => r.diagnostics.map((d) => d.ruleId);

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tollgate-unseen-'));
  tmpDirs.push(d);
  return d;
}

describe('model ids with ":"', () => {
  it.each([
    // A fine-tune keeps its id: it is priced at OpenAI's fine-tune rate (pricing-aliases.test.ts).
    ['ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:9ABCdefG', 'ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:9abcdefg'],
    ['openai:chat:ft:gpt-4o-mini-2024-07-18:acme-corp::9ABCdefG', 'ft:gpt-4o-mini-2024-07-18:acme-corp::9abcdefg'],
    ['llama3.1:8b', 'llama3.1:8b'],
    ['ollama:chat:llama3.1:8b', 'llama3.1:8b'],
    ['ollama/llama3.1:8b', 'llama3.1:8b'],
    ['bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
    ['bedrock:us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['openai:chat:gpt-4o', 'gpt-4o'],
    ['anthropic:messages:claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['GPT-4.1 (copilot)', 'gpt-4.1'],
    ['vertex:claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-20241022'],
    ['vertex_ai/claude-3-7-sonnet@20250219', 'claude-3-7-sonnet-20250219'],
    ['mistral-large@2407', 'mistral-large-2407'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['anthropic/claude-opus-4.1', 'claude-opus-4-1'],
    // Anthropic's own ids with a dot keep it.
    ['claude-2.1', 'claude-2.1'],
    ['claude-instant-1.2', 'claude-instant-1.2'],
    // LangChain init_chat_model and pydantic-ai prefixes; Ollama's `:latest` and sizes.
    ['azure_openai:gpt-4o-mini', 'gpt-4o-mini'],
    ['google_genai:gemini-2.5-flash', 'gemini-2.5-flash'],
    ['bedrock_converse:us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet-20250219'],
    ['mistral:latest', 'mistral'],
    ['mistral:7b', 'mistral:7b'],
    ['openrouter/meta-llama/llama-3.3-70b-instruct:free', 'llama-3.3-70b-instruct:free'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseModelName(raw)).toBe(expected);
  });

  it('a fine-tune in a promptfoo config is priced at its fine-tune rate', async () => {
    const text = lines(
      'prompts:',
      "  - 'Answer the customer: {{question}}'",
      'providers:',
      '  - id: openai:chat:ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:9ABCdefG',
      '    config:',
      '      max_tokens: 300',
    );
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(r.model).toBe('ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:9abcdefg');
    const p = unitPrices(r.model!)!;
    expect(p.outputPerMTok).toBeGreaterThan(unitPrices('gpt-4o-mini')!.outputPerMTok);
    expect(r.calls[0]!.inputUsd).toBeGreaterThan(0);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeCloseTo(r.calls[0]!.inputUsd + (300 * p.outputPerMTok) / 1e6, 12);
  });

  it('a Bedrock provider without a limit names the Claude model and its real maximum', async () => {
    const text = lines('prompts:', "  - 'Summarise: {{text}}'", 'providers:', '  - bedrock:us.anthropic.claude-3-5-sonnet-20241022-v2:0');
    const [f] = limitFindings(await analyzeFile({ path: 'promptfooconfig.yaml', text }));
    expect(f!.message).toContain("claude-3-5-sonnet-20241022's maximum of 8,192 output tokens");
    expect(f!.usdPer1kCalls).toBeGreaterThan(0);
  });
});

describe('Prompty ${env:NAME:default}', () => {
  const prompty = (limit: string) =>
    lines(
      '---',
      'name: ExamplePrompt',
      'model:',
      '  api: chat',
      '  configuration:',
      '    type: azure_openai',
      '    azure_endpoint: ${env:AZURE_OPENAI_ENDPOINT}',
      '    azure_deployment: ${env:AZURE_OPENAI_DEPLOYMENT:gpt-4o}',
      '  parameters:',
      `    max_tokens: ${limit}`,
      '---',
      'system:',
      'You are an AI assistant who helps people find information.',
      '',
      'user:',
      '{{question}}',
    );

  it('prices the default deployment and takes the default limit', async () => {
    const r = await analyzeFile({ path: 'chat.prompty', text: prompty('${env:MAX_TOKENS:300}') });
    expect(r.model).toBe('gpt-4o');
    expect(limitFindings(r)).toEqual([]);
    const p = unitPrices('gpt-4o')!;
    expect(r.calls[0]!.worstCaseOutputUsd).toBeCloseTo(r.calls[0]!.inputUsd + (300 * p.outputPerMTok) / 1e6, 12);
  });

  it('a limit with no default is still a limit: no finding, no second max_tokens', async () => {
    const r = await analyzeFile({ path: 'chat.prompty', text: prompty('${env:MAX_TOKENS}') });
    expect(limitFindings(r)).toEqual([]);
  });
});

describe('promptfoo providers', () => {
  it('skips providers that are not models (HTTP, scripts, exec, echo)', async () => {
    const text = lines(
      'prompts:',
      "  - '{{query}}'",
      'providers:',
      '  - id: https://api.example.com/v1/chat',
      '    config:',
      '      method: POST',
      '  - file://providers/my_rag_app.py',
      "  - id: 'python:provider.py'",
      '  - exec:node ./bin/run-agent.js',
      '  - echo',
    );
    expect(limitFindings(await analyzeFile({ path: 'promptfooconfig.yaml', text }))).toEqual([]);
  });

  it('OpenAI and Anthropic providers get promptfoo’s default of 1,024; OpenAI reasoning models do not', async () => {
    const text = lines(
      'prompts:',
      "  - 'Classify: {{text}}'",
      'providers:',
      '  - openai:gpt-4o',
      '  - anthropic:messages:claude-3-5-haiku-20241022',
      '  - openai:o3-mini',
    );
    const findings = limitFindings(await analyzeFile({ path: 'promptfooconfig.yaml', text }));
    expect(findings.map((f) => f.message.split(' has ')[0])).toEqual(['Provider o3-mini']);
  });

  it('reads `targets:`, Vertex generationConfig.maxOutputTokens and Ollama num_predict', async () => {
    const text = lines(
      'prompts:',
      '  - "Translate to French: {{text}}"',
      'targets:',
      '  - id: vertex:gemini-2.0-flash',
      '    config:',
      '      generationConfig:',
      '        temperature: 0',
      '        maxOutputTokens: 1024',
      '  - id: ollama:chat:llama3.1:8b',
      '    config:',
      '      num_predict: 256',
      '  - id: mistral:mistral-large-latest',
    );
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(limitFindings(r).map((f) => f.message.split(' has ')[0])).toEqual(['Provider mistral-large-latest']);
    expect(r.model).toBe('gemini-2.0-flash');
  });

  it('follows YAML anchors and merge keys, and treats a templated max_tokens as set', async () => {
    const text = lines(
      'prompts:',
      "  - 'Classify the sentiment of: {{text}}'",
      'x-defaults: &defaults',
      '  temperature: 0',
      '  max_tokens: 64',
      'providers:',
      '  - id: mistral:mistral-small-latest',
      '    config: *defaults',
      '  - id: groq:llama-3.1-8b-instant',
      '    config:',
      '      <<: *defaults',
      '      temperature: 0.5',
      '  - id: openai:o4-mini',
      '    config:',
      "      max_tokens: '{{ env.MAX_TOKENS }}'",
    );
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(limitFindings(r)).toEqual([]);
  });

  it('never offers a fix that edits a shared anchor', async () => {
    const text = lines(
      'prompts:',
      "  - 'Classify: {{text}}'",
      'x-defaults: &defaults',
      '  temperature: 0',
      'providers:',
      '  - id: mistral:mistral-small-latest',
      '    config: *defaults',
    );
    const [f] = limitFindings(await analyzeFile({ path: 'promptfooconfig.yaml', text }));
    expect(f!.fixes).toEqual([]);
  });
});

describe('CRLF prompt files', () => {
  const body = [
    'You are a helpful assistant.',
    '',
    '',
    '',
    'Answer the user question in detail.   ',
    'Keep the answer under five sentences.',
    '==========',
    'Answer the user question in detail.',
    '',
  ];
  const lf = body.join('\n');
  const crlf = body.join('\r\n');
  const analyse = (text: string) => analyzeFile({ path: 'app/prompts/answer.txt', text });

  it('finds what the LF file has, at the same positions', async () => {
    const a = await analyse(lf);
    const b = await analyse(crlf);
    const key = (r: FileAnalysis) => r.diagnostics.map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
    expect(key(b)).toEqual(key(a));
    // trailing whitespace on line 5 is part of the whitespace finding
    const ws = b.diagnostics.find((d) => d.message.includes('extra whitespace'))!;
    expect(ws.fixes[0]!.edits.some((e) => e.range.start.line === 4 && e.range.start.character === 35)).toBe(true);
  });

  it('each fix leaves clean CRLF text', async () => {
    const r = await analyse(crlf);
    const sep = r.diagnostics.find((d) => d.message.startsWith('Decorative separator'))!;
    expect(applyEdits(crlf, sep.fixes[0]!.edits)).toBe(body.filter((l) => l !== '==========').join('\r\n'));
    const dup = r.diagnostics.find((d) => d.ruleId === 'duplicate-text')!;
    const fixed = applyEdits(crlf, dup.fixes[0]!.edits);
    expect(fixed).toBe([...body.slice(0, 7), ''].join('\r\n'));
    expect(fixed).not.toMatch(/\r(?!\n)/);
    // Every fix does to the CRLF file what it does to the LF one.
    const lfFixes = (await analyse(lf)).diagnostics.flatMap((d) => d.fixes);
    const crlfFixes = r.diagnostics.flatMap((d) => d.fixes);
    expect(crlfFixes).toHaveLength(lfFixes.length);
    for (const [i, fix] of crlfFixes.entries()) expect(applyEdits(crlf, fix.edits)).toBe(applyEdits(lf, lfFixes[i]!.edits).replace(/\n/g, '\r\n'));
  });

  it('a CRLF Prompty file gets its max_tokens inserted with CRLF', async () => {
    const text = ['---', 'name: x', 'model:', '  api: chat', '  configuration:', '    azure_deployment: gpt-4o-mini', '  parameters:', '    temperature: 0.2', '---', 'system:', 'Say hi.', ''].join('\r\n');
    const [f] = limitFindings(await analyzeFile({ path: 'x.prompty', text }));
    const fixed = applyEdits(text, f!.fixes[0]!.edits);
    expect(fixed).not.toMatch(/[^\r]\n/);
    expect((parseYaml(fixed.split('---')[1]!) as { model: { parameters: object } }).model.parameters).toEqual({ temperature: 0.2, max_tokens: 1024 });
  });
});

describe('YAML errors', () => {
  it('a .prompt.yml whose message has an unquoted ": " reports the error', async () => {
    const text = lines(
      'name: qa',
      'model: openai/gpt-4o',
      'modelParameters:',
      '  maxTokens: 500',
      'messages:',
      '  - role: system',
      '    content: You are a QA bot. Format: one short sentence.',
      '  - role: user',
      "    content: '{{question}}'",
    );
    const r = await analyzeFile({ path: 'qa.prompt.yml', text });
    const [f] = r.diagnostics.filter((d) => d.ruleId === 'prompt-parse-error');
    expect(f?.severity).toBe('warning');
    expect(f!.range.start.line).toBe(6);
    expect(f!.message).toMatch(/^YAML error: /);
  });

  it('can be turned off like any rule', async () => {
    const text = lines('model: openai/gpt-4o', 'messages:', '  - role: system', '    content: Format: one line.');
    const r = await analyzeFile({ path: 'qa.prompt.yml', text }, { severities: { 'prompt-parse-error': 'off' } });
    expect(rules(r)).not.toContain('prompt-parse-error');
  });
});

describe('tollgate lint: files on disk', () => {
  it('strips a BOM: line-1 columns match the editor’s and the mark is not a token', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'prompts'));
    const text = 'You are a helpful assistant.   \nThank you so much for your help!\n';
    writeFileSync(join(dir, 'prompts', 'bom.txt'), `\uFEFF${text}`);
    writeFileSync(join(dir, 'prompts', 'plain.txt'), text);
    const [bom, plain] = await analyzePaths([join(dir, 'prompts', 'bom.txt'), join(dir, 'prompts', 'plain.txt')]);
    expect(bom!.diagnostics.map((d) => d.range)).toEqual(plain!.diagnostics.map((d) => d.range));
    expect(bom!.calls[0]!.inputTokens).toBe(plain!.calls[0]!.inputTokens);
  });

  it('a BOM given to analyzeFile is not counted as a token', async () => {
    const text = 'You are a helpful assistant.\n';
    const a = await analyzeFile({ path: 'prompts/a.txt', text: `\uFEFF${text}` });
    const b = await analyzeFile({ path: 'prompts/a.txt', text });
    expect(a.calls[0]!.inputTokens).toBe(b.calls[0]!.inputTokens);
  });

  it('skips virtualenvs, build output and what .gitignore ignores', () => {
    const dir = tmp();
    const call = "client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n";
    const put = (rel: string, text = call) => {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put('src/app.ts');
    put('.venv/lib/python3.12/site-packages/somesdk/examples.py', 'client.chat.completions.create(model="gpt-4o", messages=[])\n');
    put('venv/lib/x.py', 'x = 1\n');
    put('pyenv-custom/pyvenv.cfg', 'home = /usr/bin\n');
    put('pyenv-custom/lib/y.py', 'y = 1\n');
    put('dist/app.js');
    put('build/app.js');
    put('src/__pycache__/m.py', 'm = 1\n');
    put('generated/out.ts');
    put('src/gen/client.generated.ts');
    put('src/keep.generated.ts');
    put('.gitignore', lines('# build', 'generated/', '*.generated.ts', '!keep.generated.ts'));
    const found = collectFiles([dir]).map((p) => p.slice(dir.length + 1).split('\\').join('/'));
    expect(found).toEqual(['src/app.ts', 'src/keep.generated.ts']);
  });
});

describe('GitHub Models, empty files, template branches', () => {
  it('.prompt.yml: modelParameters.max_tokens is not read by gh models; maxTokens is added beside it', async () => {
    const text = lines('name: snake', 'model: openai/gpt-4.1', 'modelParameters:', '  max_tokens: 300', 'messages:', '  - role: user', '    content: "Tell me about {{topic}}"');
    const [f] = limitFindings(await analyzeFile({ path: 'snake.prompt.yml', text }));
    expect(f!.message).toContain('does not read modelParameters.max_tokens');
    const fixed = parseYaml(applyEdits(text, f!.fixes[0]!.edits)) as { modelParameters: object };
    expect(fixed.modelParameters).toEqual({ max_tokens: 300, maxTokens: 1024 });
  });

  it.each([
    ['empty.prompt.yml', ''],
    ['empty.prompty', ''],
    ['onlyfm.prompty', '---\n---\n'],
  ])('%s is quiet', async (path, text) => {
    expect((await analyzeFile({ path, text })).diagnostics).toEqual([]);
  });

  it('a line in both branches of {% if %}/{% else %} is not a duplicate; a real repeat still is', async () => {
    const text = lines(
      '{# Rendered with Jinja2; only one branch is sent. #}',
      'You are a support assistant for {{ company }}.',
      '{% if user.tier == "premium" %}',
      'Answer the question using the premium knowledge base and include links.',
      'Respond in JSON with the keys "answer" and "confidence" and nothing else.',
      '{% else %}',
      'Answer the question using the public help center only.',
      'Respond in JSON with the keys "answer" and "confidence" and nothing else.',
      '{% endif %}',
      'Question: {{ question }}',
      'Respond in JSON with the keys "answer" and "confidence" and nothing else.',
    );
    const dups = (await analyzeFile({ path: 'app/prompts/answer.txt', text })).diagnostics.filter((d) => d.ruleId === 'duplicate-text');
    expect(dups.map((d) => d.range.start.line)).toEqual([10]);
  });

  it('many unclosed fence openers are one sample running to the end (read in one pass, no finding)', async () => {
    // An opener with an info string never closes a block (CommonMark §4.5): the first one runs to the
    // end. Reading each opener's search for a closer again was quadratic; speed is the bench's to
    // measure, this checks the reading that made it linear.
    const text = '```python\n'.repeat(40_000);
    expect(fencedBlocks(text).map((b) => [b.start, b.end])).toEqual([[0, text.length]]);
    const { diagnostics } = await analyzeFile({ path: 'big/prompts/fences.md', text });
    expect(diagnostics.filter((d) => d.ruleId !== 'prompt-size')).toEqual([]);
  });
});

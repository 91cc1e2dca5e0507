import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { analyzeFile, isPromptFile, type FileAnalysis } from '../../proxy/src/analysis/index';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { unitPrices } from '../../proxy/src/pricing/price';
import { applyEdits, fixture } from './support';

const analyze = (rel: string, settings = {}) => analyzeFile(fixture(`prompts/${rel}`), settings);
const limitFindings = (r: FileAnalysis) => r.diagnostics.filter((d) => d.ruleId === 'prompt-missing-output-limit');

describe('file kinds', () => {
  it.each([
    ['a/b/support.prompty', true],
    ['x.prompt.yml', true],
    ['x.prompt.yaml', true],
    ['.github/prompts/review.prompt.md', true],
    ['.github/chatmodes/plan.chatmode.md', true],
    ['.github/agents/reviewer.agent.md', true],
    ['docs/agent.md', false],
    ['.github/instructions/ts.instructions.md', true],
    ['.github/copilot-instructions.md', true],
    ['AGENTS.md', true],
    ['sub/CLAUDE.md', true],
    ['promptfooconfig.yaml', true],
    ['app/prompts/classify.txt', true],
    ['README.md', false],
    ['src/index.ts', false],
  ])('isPromptFile(%s) = %s', (path, expected) => {
    expect(isPromptFile(path)).toBe(expected);
  });

  it('treats VS Code’s `prompt` language id as a prompt file', async () => {
    const r = await analyzeFile({ path: 'untitled:Untitled-1', text: 'Say hi.', languageId: 'prompt' });
    expect(r.kind).toBe('vscode-prompt');
  });

  it('reads plain templates only under the configured globs', async () => {
    expect((await analyze('templates/classify.txt', { promptGlobs: ['**/other/*.txt'] })).kind).toBe('unknown');
    const r = await analyze('templates/classify.txt', { promptGlobs: ['**/templates/*.txt'] });
    expect(r.kind).toBe('prompt-template');
    expect(r.calls[0]!.placeholders).toBe(1);
  });
});

describe('Prompty', () => {
  it('v1: reads the deployment as the model, splits role sections and counts exact chat tokens', async () => {
    const f = fixture('prompts/support-v1.prompty');
    const r = await analyzeFile(f);
    expect(r.kind).toBe('prompty');
    expect(r.model).toBe('gpt-4o-mini');
    const lens = r.calls[0]!;
    expect(lens.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
    const system = 'You are a support assistant for Contoso. Answer from the documentation only.\n\n';
    // The user turn is only the {{question}} placeholder (plus its newline), which is not counted.
    expect(lens.inputTokens).toBe(countChatTokens([{ role: 'system', content: system }, { role: 'user', content: '\n' }], 'gpt-4o-mini').tokens);
    expect(lens.exact).toBe(true);
    expect(lens.placeholders).toBe(1);
    expect(lens.worstCaseOutputUsd).toBeUndefined();
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * unitPrices('gpt-4o-mini')!.inputPerMTok) / 1e6, 12);
  });

  it('v1 without max_tokens: reports and fixes by adding parameters.max_tokens', async () => {
    const f = fixture('prompts/support-v1.prompty');
    const r = await analyzeFile(f);
    const [finding] = limitFindings(r);
    expect(finding?.severity).toBe('warning');
    expect(finding!.message).toContain('model.parameters.max_tokens');
    expect(finding!.range.start.line).toBe(f.text.split('\n').indexOf('model:'));
    const fixed = applyEdits(f.text, finding!.fixes[0]!.edits);
    const front = parseYaml(fixed.split('---')[1]!) as { model: { parameters: Record<string, number> } };
    expect(front.model.parameters).toEqual({ temperature: 0.2, max_tokens: 1024 });
    expect(limitFindings(await analyzeFile({ path: f.path, text: fixed }))).toEqual([]);
  });

  it('v1 with max_tokens: no finding and a worst-case cost', async () => {
    const r = await analyze('support-v1-limited.prompty');
    expect(limitFindings(r)).toEqual([]);
    const lens = r.calls[0]!;
    const p = unitPrices('gpt-4o')!;
    expect(lens.worstCaseOutputUsd).toBeCloseTo(lens.inputUsd + (500 * p.outputPerMTok) / 1e6, 12);
  });

  it('v2: model.id and options.maxOutputTokens', async () => {
    const r = await analyze('support-v2.prompty');
    expect(r.model).toBe('gpt-4.1-mini');
    expect(limitFindings(r)).toEqual([]);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeGreaterThan(r.calls[0]!.inputUsd);
  });

  it('v2 without a limit: the fix adds options.maxOutputTokens', async () => {
    const f = fixture('prompts/support-v2-unlimited.prompty');
    const [finding] = limitFindings(await analyzeFile(f));
    expect(finding!.message).toContain('model.options.maxOutputTokens');
    const fixed = applyEdits(f.text, finding!.fixes[0]!.edits);
    const front = parseYaml(fixed.split('---')[1]!) as { model: { options: Record<string, number> } };
    expect(front.model.options.maxOutputTokens).toBe(1024);
  });
});

describe('GitHub Models .prompt.yml', () => {
  it('reads model, messages with source ranges, and reports the missing maxTokens', async () => {
    const f = fixture('prompts/summarise.prompt.yml');
    const r = await analyzeFile(f);
    expect(r.kind).toBe('github-prompt-yaml');
    expect(r.model).toBe('gpt-4o-mini');
    const lens = r.calls[0]!;
    expect(lens.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
    expect(lens.perMessage[0]!.range.start.line).toBe(f.text.split('\n').findIndex((l) => l.includes('You summarise text')));
    const [finding] = limitFindings(r);
    const fixed = applyEdits(f.text, finding!.fixes[0]!.edits);
    expect((parseYaml(fixed) as { modelParameters: Record<string, number> }).modelParameters).toEqual({ temperature: 0.3, maxTokens: 1024 });
  });

  it('with maxTokens: no finding, worst case priced', async () => {
    const r = await analyze('summarise-limited.prompt.yaml');
    expect(limitFindings(r)).toEqual([]);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeDefined();
  });
});

describe('promptfoo', () => {
  it('one lens per prompt; OpenAI and Anthropic providers are bounded by promptfoo’s own max_tokens default', async () => {
    const f = fixture('prompts/promptfooconfig.yaml');
    const r = await analyzeFile(f);
    expect(r.kind).toBe('promptfoo');
    expect(r.calls).toHaveLength(2);
    // promptfoo sends max_tokens 1,024 (OPENAI_MAX_TOKENS / ANTHROPIC_MAX_TOKENS) when the config sets none.
    expect(limitFindings(r)).toEqual([]);
    const p = unitPrices('gpt-4o-mini')!;
    expect(r.calls[0]!.worstCaseOutputUsd).toBeCloseTo(r.calls[0]!.inputUsd + (1024 * p.outputPerMTok) / 1e6, 12);
  });

  it('one finding per provider without a limit or a default, with a fix for each form', async () => {
    const text = [
      'prompts:',
      "  - 'Translate to French: {{text}}'",
      'providers:',
      '  - mistral:mistral-large-latest',
      '  - id: openai:chat:o3-mini',
      '    config:',
      '      temperature: 0',
      '  - id: anthropic:messages:claude-3-5-haiku-latest',
      '    config:',
      '      max_tokens: 300',
      '',
    ].join('\n');
    const path = 'evals/promptfooconfig.yaml';
    const findings = limitFindings(await analyzeFile({ path, text }));
    expect(findings.map((d) => d.message.split(' has ')[0])).toEqual(['Provider mistral-large-latest', 'Provider o3-mini']);
    // The object-form provider gets a fix that adds config.max_tokens next to temperature.
    const fixed = applyEdits(text, findings[1]!.fixes[0]!.edits);
    const cfg = parseYaml(fixed) as { providers: Array<string | { config: Record<string, number> }> };
    expect(cfg.providers[1]).toMatchObject({ config: { temperature: 0, max_tokens: 1024 } });
    // The string-form provider is rewritten to the object form with the same id.
    const both = applyEdits(text, [...findings[0]!.fixes[0]!.edits, ...findings[1]!.fixes[0]!.edits]);
    const after = parseYaml(both) as { providers: unknown[] };
    expect(after.providers[0]).toEqual({ id: 'mistral:mistral-large-latest', config: { max_tokens: 1024 } });
    expect(after.providers).toHaveLength(3);
    expect(limitFindings(await analyzeFile({ path, text: both }))).toEqual([]);
  });
});

describe('VS Code prompt and instruction files', () => {
  it('.prompt.md: front-matter model name, ${…} variables as placeholders, no output-limit rule', async () => {
    const r = await analyze('review.prompt.md');
    expect(r.kind).toBe('vscode-prompt');
    expect(r.model).toBe('gpt-4.1');
    expect(r.calls[0]!.placeholders).toBe(1);
    expect(limitFindings(r)).toEqual([]);
  });

  it('a custom agent (.agent.md) is a prompt file; a model list is priced at its first model', async () => {
    const text = "---\nname: Reviewer\ntools: ['read', 'search']\nmodel: ['Claude Sonnet 4.5 (copilot)', 'GPT-5 (copilot)']\n---\nReview the supplied changes for correctness.\n";
    const r = await analyzeFile({ path: '/w/.github/agents/reviewer.agent.md', text });
    expect([r.kind, r.model]).toEqual(['vscode-prompt', 'claude-sonnet-4-5']);
    const single = await analyzeFile({ path: '/w/notes.md', text: text.replace(/^model: .*$/m, 'model: GPT-5 (copilot)'), languageId: 'chatagent' });
    expect([single.kind, single.model]).toEqual(['vscode-prompt', 'gpt-5']);
  });

  it('instruction files are counted as text (prepended to every request), not as a request', async () => {
    const f = fixture('repo/AGENTS.md');
    const r = await analyzeFile(f);
    expect(r.kind).toBe('always-on-instructions');
    expect(r.calls[0]!.inputTokens).toBe(countTextTokens(f.text, 'gpt-4o').tokens);
  });

  it('labels counts for non-OpenAI models as estimates and adds comparison models', async () => {
    const r = await analyzeFile({ path: 'a.prompt.md', text: '---\nmodel: Claude Sonnet 4\n---\nHello there.' }, { comparisonModels: ['gpt-4o-mini'] });
    expect(r.model).toBe('claude-sonnet-4');
    const lens = r.calls[0]!;
    expect(lens.exact).toBe(false);
    expect(lens.label).toContain('estimate');
    expect(lens.comparisons.map((c) => c.model)).toEqual(['gpt-4o-mini']);
    expect(lens.comparisons[0]!.usd).toBeLessThan(lens.inputUsd);
  });
});

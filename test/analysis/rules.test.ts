import { describe, expect, it } from 'vitest';
import { analyzeFile, RULES, type FileAnalysis } from '../../proxy/src/analysis/index';
import { countTextTokens } from '../../proxy/src/tokens/count';
import { unitPrices } from '../../proxy/src/pricing/price';
import { applyEdits, fixture } from './support';

const analyze = (rel: string, settings = {}) => analyzeFile(fixture(`prompts/rules/${rel}`), settings);
const byRule = (r: FileAnalysis, id: string) => r.diagnostics.filter((d) => d.ruleId === id);
const gpt4oInputPerToken = () => unitPrices('gpt-4o')!.inputPerMTok / 1e6;

describe('rule 3: repeated text', () => {
  it('finds the repeated paragraph and the repeated sentence, with measured savings', async () => {
    const f = fixture('prompts/rules/duplicates.prompt.md');
    const r = await analyzeFile(f);
    const d = byRule(r, 'duplicate-text');
    expect(d.map((x) => x.range.start.line)).toEqual([9, 11]);
    const para = 'Only answer from the provided documents and cite the document title for every claim.';
    expect(d[0]!.tokensSaved).toBe(countTextTokens(`${para}\n\n`, 'gpt-4o').tokens);
    expect(d[0]!.usdPer1kCalls).toBeCloseTo(d[0]!.tokensSaved! * gpt4oInputPerToken() * 1000, 12);
    expect(d[0]!.message).toMatch(/per 1,000 calls at gpt-4o/);
  });

  it('the fixes remove exactly one copy, and the file is then clean', async () => {
    const f = fixture('prompts/rules/duplicates.prompt.md');
    const r = await analyzeFile(f);
    let text = f.text;
    for (const d of byRule(r, 'duplicate-text').reverse()) text = applyEdits(text, d.fixes[0]!.edits);
    expect(text.split('Only answer from the provided documents').length - 1).toBe(1);
    expect(text.split('Never reveal internal account identifiers').length - 1).toBe(1);
    expect(text).toContain('Be friendly. Use plain English.');
    expect(byRule(await analyzeFile({ path: f.path, text }), 'duplicate-text')).toEqual([]);
  });

  it('reports a paragraph shared by several always-on instruction files', async () => {
    const agents = fixture('repo/AGENTS.md');
    const claude = fixture('repo/CLAUDE.md');
    const copilot = fixture('repo/.github/copilot-instructions.md');
    const related = [agents, claude, copilot];
    const r = await analyzeFile(agents, {}, { relatedFiles: related });
    const d = byRule(r, 'duplicate-instructions');
    expect(d.map((x) => x.message.match(/also in (\S+);/)?.[1])).toEqual(['CLAUDE.md', 'copilot-instructions.md']);
    expect(d.every((x) => x.tokensSaved! > 5)).toBe(true);
    // Without the other files there is nothing to compare.
    expect(byRule(await analyzeFile(agents), 'duplicate-instructions')).toEqual([]);
  });
});

describe('rule 5: wasteful formatting', () => {
  it('minifies a pretty-printed JSON example only because it is fewer tokens', async () => {
    const f = fixture('prompts/rules/formatting.prompt.md');
    const r = await analyzeFile(f);
    const json = byRule(r, 'wasteful-formatting').find((d) => d.message.startsWith('Pretty-printed JSON'))!;
    const fixed = applyEdits(f.text, json.fixes[0]!.edits);
    expect(fixed).toContain('{"order_id":"A-1001","items":[{"sku":"X1","quantity":2}],"express":false}');
    const saved = countTextTokens(f.text, 'gpt-4o').tokens - countTextTokens(fixed, 'gpt-4o').tokens;
    expect(json.tokensSaved).toBe(saved);
    expect(saved).toBeGreaterThan(0);
  });

  it('reports whitespace runs and separator lines with measured savings, and nothing on a compact prompt', async () => {
    const r = await analyze('formatting.prompt.md');
    const msgs = byRule(r, 'wasteful-formatting').map((d) => d.message.split(';')[0]);
    // "Rules:    keep" costs a token more than "Rules: keep"; the run of blank lines after it costs
    // nothing extra in o200k, so it is measured and left out.
    expect(msgs).toEqual(['Pretty-printed JSON example', '1 run of extra whitespace', 'Decorative separator line']);
    expect(countTextTokens('English.\n\n\n\nDo', 'gpt-4o').tokens).toBe(countTextTokens('English.\n\nDo', 'gpt-4o').tokens);
    expect(byRule(await analyze('compact.prompt.md'), 'wasteful-formatting')).toEqual([]);
  });

  it('applying every fix reduces the token count by the sum of the reported savings', async () => {
    const f = fixture('prompts/rules/formatting.prompt.md');
    const findings = byRule(await analyzeFile(f), 'wasteful-formatting');
    let text = f.text;
    const edits = findings.flatMap((d) => d.fixes[0]!.edits);
    text = applyEdits(text, edits);
    const saved = countTextTokens(f.text, 'gpt-4o').tokens - countTextTokens(text, 'gpt-4o').tokens;
    // Savings are measured one change at a time, so together they are close to (not always exactly) the sum.
    const sum = findings.reduce((n, d) => n + d.tokensSaved!, 0);
    expect(Math.abs(saved - sum)).toBeLessThanOrEqual(2);
    expect(byRule(await analyzeFile({ path: f.path, text }), 'wasteful-formatting')).toEqual([]);
  });
});

describe('rule 7: unbounded output', () => {
  it('one root cause, one finding: the phrases join the prompt’s missing-limit finding, on its key line', async () => {
    const r = await analyze('unbounded.prompty');
    expect(byRule(r, 'unbounded-output')).toEqual([]);
    const limit = byRule(r, 'prompt-missing-output-limit');
    expect(limit).toHaveLength(1);
    expect(limit[0]!.message).toContain('"List all", "as detailed as possible"');
    // A tight squiggle: the `model:` key, not the 5-line model block.
    expect(limit[0]!.range.start.line).toBe(limit[0]!.range.end.line);
    expect(limit[0]!.usdPer1kCalls).toBeGreaterThan(0);
  });

  it('flags the phrases on their own (once per prompt) when the missing-limit rule is off', async () => {
    const r = await analyze('unbounded.prompty', { severities: { 'prompt-missing-output-limit': 'off' } });
    const u = byRule(r, 'unbounded-output');
    expect(u.map((d) => d.range.start.line)).toEqual([9]);
    expect(u[0]!.message).toContain('"List all", "as detailed as possible"');
    expect(u[0]!.usdPer1kCalls).toBeGreaterThan(0);
  });

  it('stays quiet when max_tokens bounds the reply', async () => {
    expect(byRule(await analyze('bounded.prompty'), 'unbounded-output')).toEqual([]);
  });
});

describe('rule 4: cache-hostile order', () => {
  it('flags a variable before >1,024 static tokens and prices the cache discount', async () => {
    const r = await analyze('cache-hostile.prompt.md');
    const [d] = byRule(r, 'cache-hostile-order');
    expect(d?.range.start.line).toBe(3);
    expect(d!.tokensSaved).toBeGreaterThanOrEqual(1024);
    expect(d!.usdPer1kCalls).toBeGreaterThan(0);
    // A cache read costs less than a normal input token, so the saving is below the full input price.
    expect(d!.usdPer1kCalls!).toBeLessThan(d!.tokensSaved! * gpt4oInputPerToken() * 1000);
  });

  it('is quiet when the static part comes first', async () => {
    expect(byRule(await analyze('cache-friendly.prompt.md'), 'cache-hostile-order')).toEqual([]);
  });
});

describe('rule 6: few-shot share', () => {
  it('reports examples above the share and respects fewShotMaxShare', async () => {
    const r = await analyze('fewshot.prompty');
    const [d] = byRule(r, 'few-shot-share');
    expect(d?.message).toMatch(/Few-shot examples are \d+% of the prompt/);
    expect(d!.tokensSaved).toBeGreaterThan(0);
    expect(byRule(await analyze('fewshot.prompty', { fewShotMaxShare: 0.95 }), 'few-shot-share')).toEqual([]);
  });
});

describe('rule 8: politeness', () => {
  it('is information only, with the tokens each phrase costs', async () => {
    const r = await analyze('polite.prompt.md');
    const d = byRule(r, 'politeness');
    expect(d.map((x) => x.range.start.line)).toEqual([0, 0, 2]);
    expect(d.every((x) => x.severity === 'hint' && x.usdPer1kCalls === undefined && x.tokensSaved! > 0)).toBe(true);
    const thanks = d.find((x) => x.message.includes('Thank you'))!;
    const line = 'Please answer the question below. Thank you so much for your help!';
    expect(thanks.tokensSaved).toBe(countTextTokens(line, 'gpt-4o').tokens - countTextTokens('Please answer the question below. ', 'gpt-4o').tokens);
  });

  it('does not report a phrase whose removal saves no token ("Please summarise" = "Summarise" in o200k)', async () => {
    const r = await analyze('polite.prompt.md');
    expect(byRule(r, 'politeness').some((d) => d.range.start.line === 4)).toBe(false);
    expect(countTextTokens('Please summarise the text.', 'gpt-4o').tokens).toBe(countTextTokens('Summarise the text.', 'gpt-4o').tokens);
  });
});

describe('severities', () => {
  it('settings override a rule’s severity or turn it off', async () => {
    const r = await analyze('polite.prompt.md', { severities: { politeness: 'warning' } });
    expect(byRule(r, 'politeness').every((d) => d.severity === 'warning')).toBe(true);
    expect(byRule(await analyze('polite.prompt.md', { severities: { politeness: 'off' } }), 'politeness')).toEqual([]);
  });

  it('every rule that reports is documented in RULES', async () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const rel of ['duplicates.prompt.md', 'formatting.prompt.md', 'unbounded.prompty', 'polite.prompt.md', 'fewshot.prompty', 'cache-hostile.prompt.md']) {
      for (const d of (await analyze(rel)).diagnostics) expect(ids.has(d.ruleId)).toBe(true);
    }
  });
});

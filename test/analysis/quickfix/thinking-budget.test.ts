/**
 * Anthropic rejects max_tokens that is not above thinking.budget_tokens ("max_tokens must be greater
 * than thinking.budget_tokens"). A quick fix on a call with extended thinking must insert a limit the
 * API accepts, and the saving the finding states must be the one that limit makes.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, type Finding } from '../../../proxy/src/analysis/index';
import { worstCaseOutputTokens } from '../../../proxy/src/analysis/rules/output-limit';
import { applyEdits } from '../support';

/** The value of the `key` the fix inserts, read back from the fixed text. */
function insertedLimit(text: string, f: Finding, key: RegExp): number {
  expect(f.fixes).toHaveLength(1);
  const fixed = applyEdits(text, f.fixes[0]!.edits);
  const m = key.exec(fixed);
  expect(m, fixed).not.toBeNull();
  return Number(m![1]);
}

describe('missing max_tokens on a call with extended thinking', () => {
  it('TypeScript: inserts a max_tokens above budget_tokens and prices that limit', async () => {
    const text = [
      "import Anthropic from '@anthropic-ai/sdk';",
      'const anthropic = new Anthropic();',
      'export const m = anthropic.messages.create({',
      "  model: 'claude-sonnet-4-5',",
      "  thinking: { type: 'enabled', budget_tokens: 2048 },",
      "  messages: [{ role: 'user', content: 'Plan the migration' }],",
      '});',
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'think.ts', text })).diagnostics;
    expect(f!.ruleId).toBe('anthropic-missing-max-tokens');
    const limit = insertedLimit(text, f!, /max_tokens: (\d+)/);
    expect(limit).toBeGreaterThan(2048);
    const worst = worstCaseOutputTokens('claude-sonnet-4-5')!.tokens;
    expect(limit).toBeLessThanOrEqual(worst);
    expect(f!.fixes[0]!.title).toBe(`Add max_tokens: ${limit}`);
    expect(f!.message).toContain(`a limit of ${limit.toLocaleString('en-US')} saves`);
    expect(f!.tokensSaved).toBe(worst - limit);
  });

  it('TypeScript: reads the budget through a constant', async () => {
    const text = [
      "import Anthropic from '@anthropic-ai/sdk';",
      'const THINKING_BUDGET = 16000;',
      'const anthropic = new Anthropic();',
      "export const m = anthropic.messages.stream({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: THINKING_BUDGET }, messages: [] });",
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'think.ts', text })).diagnostics;
    expect(insertedLimit(text, f!, /max_tokens: (\d+)/)).toBeGreaterThan(16000);
  });

  it('offers no fix when the budget cannot be read (no value is known to be accepted)', async () => {
    const text = [
      "import Anthropic from '@anthropic-ai/sdk';",
      'const anthropic = new Anthropic();',
      'export function ask(budget: number) {',
      "  return anthropic.messages.create({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: budget }, messages: [] });",
      '}',
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'think.ts', text })).diagnostics;
    expect(f!.ruleId).toBe('anthropic-missing-max-tokens');
    expect(f!.fixes).toEqual([]);
  });

  it('keeps the usual limit when thinking is disabled', async () => {
    const text = [
      "import Anthropic from '@anthropic-ai/sdk';",
      'const anthropic = new Anthropic();',
      "export const m = anthropic.messages.create({ model: 'claude-sonnet-4-5', thinking: { type: 'disabled' }, messages: [] });",
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'think.ts', text })).diagnostics;
    expect(insertedLimit(text, f!, /max_tokens: (\d+)/)).toBe(1024);
  });

  it('Python: inserts max_tokens above the budget (a literal with underscores, or a module constant)', async () => {
    const text = [
      'import anthropic',
      'from langchain_anthropic import ChatAnthropic',
      'client = anthropic.Anthropic()',
      'BUDGET = 4000',
      'r = client.messages.create(',
      '    model="claude-sonnet-4-5",',
      '    thinking={"type": "enabled", "budget_tokens": 10_000},',
      '    messages=[{"role": "user", "content": "Plan the migration"}],',
      ')',
      'llm = ChatAnthropic(model="claude-sonnet-4-5", thinking={"type": "enabled", "budget_tokens": BUDGET})',
      '',
    ].join('\n');
    const [a, b] = (await analyzeFile({ path: 'think.py', text })).diagnostics;
    const la = insertedLimit(text, a!, /max_tokens=(\d+)/);
    expect(la).toBeGreaterThan(10_000);
    expect(a!.tokensSaved).toBe(worstCaseOutputTokens('claude-sonnet-4-5')!.tokens - la);
    expect(insertedLimit(text, b!, /max_tokens=(\d+)\)/)).toBeGreaterThan(4000);
  });

  it('never inserts more than the model can produce', async () => {
    const max = worstCaseOutputTokens('claude-opus-4-1')!.tokens;
    const text = [
      'import anthropic',
      'client = anthropic.Anthropic()',
      `r = client.messages.create(model="claude-opus-4-1", thinking={"type": "enabled", "budget_tokens": ${max - 500}}, messages=[])`,
      '',
    ].join('\n');
    const [f] = (await analyzeFile({ path: 'think.py', text })).diagnostics;
    const limit = insertedLimit(text, f!, /max_tokens=(\d+)/);
    expect(limit).toBeGreaterThan(max - 500);
    expect(limit).toBeLessThanOrEqual(max);
  });
});

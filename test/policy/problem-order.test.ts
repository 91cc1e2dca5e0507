/**
 * Problems and warnings of a policy come in the file's own line order, each at its line:column.
 * zod reports in schema order (providers, cache, budgets…, whatever order the file has), so a user
 * with five mistakes read them jumping up and down the file; and with more than the listed maximum,
 * the ones listed were the schema's first, not the file's.
 */
import { describe, expect, it } from 'vitest';
import { MAX_POLICY_PROBLEMS, parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';
import { locatedWarnings } from '../../proxy/src/policy/warnings';
import { runPolicyCli } from '../support/policyCli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

const FIVE_MISTAKES = [
  'version: 1', // 1
  'budgets:', // 2
  '  - name: a', // 3
  '    period: fortnight', // 4
  '    usd: -3', // 5
  'cache:', // 6
  '  ttlSeconds: -5', // 7
  '  enabeld: true', // 8
  'retries:', // 9
  '  atempts: 2', // 10
  'providers:', // 11
  '  openai: { baseUrl: 12 }', // 12
  'zzz: 1', // 13
  '',
].join('\n');

describe('policy problems in file order', () => {
  it('lists schema problems and unknown keys by line, then column, each at its own place', () => {
    expect(problems(FIVE_MISTAKES).map((p) => [p.line, p.column, p.path])).toEqual([
      [4, 13, 'budgets.0.period'],
      [5, 10, 'budgets.0.usd'],
      [7, 15, 'cache.ttlSeconds'],
      [8, 3, 'cache'],
      [10, 3, 'retries'],
      [12, 22, 'providers.openai.baseUrl'],
      [13, 1, ''],
    ]);
  });

  it('orders problems on one line by column', () => {
    const found = problems('cache: { ttlSeconds: -1, enabeld: true }\nproviders: { openai: { baseUrl: 1, timeoutMs: "x" } }\n');
    expect(found.map((p) => [p.line, p.column])).toEqual([
      [1, 22],
      [1, 26],
      [2, 33],
      [2, 47],
    ]);
  });

  it('past the maximum, lists the first problems of the file and counts the rest', () => {
    // zod checks cache before budgets: the cache typo at the end is the schema's first problem.
    const text = `budgets:\n${Array.from({ length: MAX_POLICY_PROBLEMS + 10 }, () => '  - 1').join('\n')}\ncache:\n  enabeld: true\n`;
    const found = problems(text);
    expect(found).toHaveLength(MAX_POLICY_PROBLEMS + 1);
    expect(found.slice(0, MAX_POLICY_PROBLEMS).map((p) => p.line)).toEqual(Array.from({ length: MAX_POLICY_PROBLEMS }, (_, i) => i + 2));
    expect(found.at(-1)?.message).toBe('…and 11 more problems');
  });

  it('lists warnings by line too', () => {
    const text = [
      'routing:',
      '  rules:',
      '    - { name: all, match: {}, model: gpt-4o-mini }',
      '    - { name: never, match: { feature: x }, model: gpt-4o }',
      'providers:',
      '  local: { baseUrl: "http://127.0.0.1:11434/v1", models: ["llama*"] }',
      '  other: { baseUrl: "http://127.0.0.1:8080/v1", models: ["llama3*"] }',
      'fallbacks:',
      '  - { from: gpt4o, to: [gpt-4o-mini] }',
      '',
    ].join('\n');
    const r = parsePolicy(text, 'policy.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const lines = locatedWarnings(r.policy, text, 'policy.yaml').map((w) => w.line);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('`policy validate` prints them in that order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-order-'));
    try {
      writeFileSync(join(dir, 'p.yaml'), FIVE_MISTAKES);
      const r = await runPolicyCli(dir, ['validate', 'p.yaml']);
      expect(r.code).toBe(1);
      expect(r.err.map((l) => l.split(':').slice(1, 3).join(':'))).toEqual(['4:13', '5:10', '7:15', '8:3', '10:3', '12:22', '13:1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

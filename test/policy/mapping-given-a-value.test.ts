/**
 * A section or entry written as one value where the policy takes fields (valid YAML, wrong shape):
 * `scope: team-a`, `routing: 5`, a budget entry `- daily`, a file that is one word. zod's
 * "Invalid input: expected object, received string" named neither what was found nor what to write.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.problems;
}

describe('a value where the policy takes a mapping', () => {
  it('a budget scope given as a name says which field to put it in', () => {
    const [p, ...rest] = problems('budgets:\n  - name: a\n    period: day\n    usd: 1\n    scope: team-a\n');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 5, column: 12, path: 'budgets.0.scope' });
    expect(p!.message).toBe('expected a mapping, got the text "team-a": name what it is, as in scope: { team: team-a } (or user, feature, key)');
  });

  it('a section given a number or a word names what it found and the fields it takes', () => {
    const found = problems('routing: 5\ncache: "yes"\n');
    expect(found.map((p) => [p.path, p.line, p.message])).toEqual([
      ['routing', 1, 'expected a mapping (name: value, such as tiers, thresholds, rules), got the number 5'],
      ['cache', 2, 'expected a mapping (name: value, such as enabled, ttlSeconds, maxEntries), got the text "yes"'],
    ]);
  });

  it('a budget entry written as one word', () => {
    const [p] = problems('budgets:\n  - daily\n');
    expect(p).toMatchObject({ line: 2, path: 'budgets.0', message: 'expected a mapping (name: value, such as name, scope, period), got the text "daily"' });
  });

  it('a file that is one word is no policy', () => {
    const [p] = problems('hello\n');
    expect(p!.message).toBe('a policy is a mapping of sections (providers:, budgets:, routing: …), got the text "hello"');
  });

  it('no message is left as zod wrote it', () => {
    for (const text of ['budgets:\n  - 5\n', 'providers:\n  openai: true\n', 'routing:\n  tiers:\n    openai: gpt-4o\n', '42\n'])
      for (const p of problems(text)) expect(p.message).not.toMatch(/Invalid input|received/);
  });
});

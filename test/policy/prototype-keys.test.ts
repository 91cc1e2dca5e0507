/**
 * `__proto__` as a key in a policy (a header match, a provider, a tier map, provider headers, a key
 * shared through a merge anchor): JavaScript records cannot hold it, and zod's records skipped it,
 * so `match: { header: { __proto__: x } }` lost its only condition and a rule meant for a few
 * requests routed every one. The policy comes from a cloned repository: such a key is refused at
 * its own line, and keys that only look special (`constructor`) are kept: whatever reads them by a
 * user-chosen name looks at own keys only.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  return r.ok ? [] : r.problems;
}

const cases: Record<string, { text: string; line: number; path: string }> = {
  'a header match (flow mapping)': {
    text: 'routing:\n  rules:\n    - name: narrow\n      match: { header: { __proto__: x } }\n      model: gpt-4o-mini\n',
    line: 4,
    path: 'routing.rules.0.match.header.__proto__',
  },
  'a header match (block mapping, quoted, beside another header)': {
    text: 'routing:\n  rules:\n    - name: narrow\n      match:\n        header:\n          x-team: search\n          "__proto__": "*"\n      model: gpt-4o-mini\n',
    line: 7,
    path: 'routing.rules.0.match.header.__proto__',
  },
  'a provider name': { text: 'providers:\n  openai: {}\n  __proto__: { baseUrl: "https://evil.example/v1" }\n', line: 3, path: 'providers.__proto__' },
  'a tier map': { text: 'routing:\n  tiers:\n    __proto__: { small: gpt-4o-mini }\n', line: 3, path: 'routing.tiers.__proto__' },
  'provider headers': { text: 'providers:\n  openai:\n    headers:\n      __proto__: { x: y }\n', line: 4, path: 'providers.openai.headers.__proto__' },
  'a scope': { text: 'budgets:\n  - name: b\n    period: day\n    usd: 5\n    scope: { __proto__: { team: a } }\n', line: 5, path: 'budgets.0.scope.__proto__' },
  'a merge anchor shared by two rules': {
    text: 'routing:\n  rules:\n    - name: a\n      match: &m\n        header: { __proto__: x }\n      model: gpt-4o-mini\n    - name: b\n      match: *m\n      model: gpt-4o\n',
    line: 5,
    path: 'routing.rules.0.match.header.__proto__',
  },
};

describe('__proto__ keys are refused at their line, never dropped', () => {
  it.each(Object.entries(cases))('%s', (_name, c) => {
    const found = problems(c.text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: c.line, path: c.path });
    expect(found[0]?.message).toContain('__proto__');
  });

  it('reports every one, in file order', () => {
    const found = problems('providers:\n  __proto__: {}\nrouting:\n  tiers:\n    __proto__: {}\n');
    expect(found.map((p) => p.line)).toEqual([2, 5]);
  });

  it('accepts a header match named like an Object.prototype member (the matcher reads own headers only: routing/rule-header-names.test.ts)', () => {
    const r = parsePolicy('routing:\n  rules:\n    - name: narrow\n      match:\n        header:\n          x-team: search\n          Constructor: x\n      model: gpt-4o-mini\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.routing.rules[0]?.match.header).toEqual({ 'x-team': 'search', Constructor: 'x' });
  });

  it('keeps other header names and provider header names that are Object members', () => {
    const r = parsePolicy('providers:\n  openai: { headers: { toString: a } }\nrouting:\n  rules:\n    - name: narrow\n      match: { header: { x-tostring: x, x-team: search } }\n      model: gpt-4o-mini\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(Object.keys(r.policy.routing.rules[0]?.match.header ?? {}).sort()).toEqual(['x-team', 'x-tostring']);
    expect(r.policy.providers.openai?.headers).toEqual({ toString: 'a' });
  });
});

describe('"did you mean" beside a provider named like an Object.prototype member', () => {
  it.each([
    ['a tier under a misspelt provider', 'providers:\n  constructor: { baseUrl: "https://llm.example/v1" }\n  groq: { baseUrl: "https://api.groq.com/openai/v1" }\nrouting:\n  tiers:\n    grok: { small: a }\n', 6],
    ['a rule for a misspelt provider', 'providers:\n  toString: { baseUrl: "https://llm.example/v1" }\n  groq: { baseUrl: "https://api.groq.com/openai/v1" }\nrouting:\n  rules:\n    - name: r\n      match: { provider: grq }\n      tier: large\n', 7],
  ])('%s is a problem at its line, not a crash', (_name, text, line) => {
    const r = parsePolicy(text, 'policy.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line });
    expect(r.problems[0]?.message).toContain('did you mean "groq"');
  });
});

describe('key problems of both kinds', () => {
  it('a repeated key and a __proto__ key are reported together, in file order, so one round of fixes is enough', () => {
    const text = 'providers:\n  __proto__: {}\nbudgets:\n  - name: b\n    period: day\n    usd: 5\n    usd: 6\nrouting:\n  tiers:\n    __proto__: {}\n';
    const found = problems(text);
    expect(found.map((p) => [p.line, p.path])).toEqual([
      [2, 'providers.__proto__'],
      [7, 'budgets.0.usd'],
      [10, 'routing.tiers.__proto__'],
    ]);
    expect(found[1]?.message).toContain('given twice in the same mapping (first on line 6)');
    expect(found[0]?.message).toContain('__proto__');
  });

  it('a __proto__ key given twice is one problem per line', () => {
    const found = problems('providers:\n  __proto__: {}\n  __proto__: {}\n');
    expect(found.map((p) => p.line)).toEqual([2, 3]);
  });
});

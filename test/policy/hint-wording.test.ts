/**
 * Hints that explained the wrong thing: a quoted "true" was blamed on YAML 1.2's booleans (it is
 * text because of its quotes), and a provider without a usable name (`~:`, `null:`, `"":`, a
 * name with a space) was zod's bare "Invalid key in record", without the rule for names.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.problems;
}

describe('a boolean written as text', () => {
  it('"true" and \'False\' in quotes: take the quotes off, no word of YAML 1.2', () => {
    const found = problems('cache:\n  enabled: "true"\n  semantic:\n    enabled: \'False\'\n');
    expect(found.map((p) => [p.path, p.line, p.message])).toEqual([
      ['cache.enabled', 2, 'expected true or false, got the text "true" (in quotes): write true without quotes'],
      ['cache.semantic.enabled', 4, 'expected true or false, got the text "False" (in quotes): write false without quotes'],
    ]);
  });

  it('yes and off still say that YAML 1.2 reads them as text', () => {
    const found = problems('cache:\n  enabled: yes\n  semantic:\n    enabled: off\n');
    expect(found.map((p) => p.message)).toEqual([
      'expected true or false, got the text "yes" (YAML 1.2 reads yes/no/on/off as text): write true',
      'expected true or false, got the text "off" (YAML 1.2 reads yes/no/on/off as text): write false',
    ]);
  });
});

describe('a provider without a usable name', () => {
  for (const [written, text] of [
    ['~ in a flow mapping', 'providers: {~: {}}\n'],
    ['~', 'providers:\n  ~:\n    baseUrl: http://127.0.0.1:9/v1\n'],
    ['null', 'providers:\n  null:\n    protocol: openai\n'],
    ['""', 'providers:\n  "": {}\n'],
  ] as const) {
    it(`${written}: says it has no name and what a name may hold`, () => {
      const [p, ...rest] = problems(text);
      expect(rest).toEqual([]);
      expect(p!.path).toBe('providers.');
      expect(p!.message).toBe('an entry without a name (YAML reads ~, null and "" as no value): give it a name: use letters, digits, "_", "-" or "." (max 64)');
    });
  }

  it('a name with a space: names it and the rule', () => {
    const [p] = problems('providers:\n  my gateway:\n    protocol: openai\n');
    expect(p).toMatchObject({ line: 3, path: 'providers.my gateway' });
    expect(p!.message).toBe('"my gateway" is not a name Tollgate takes: use letters, digits, "_", "-" or "." (max 64)');
  });
});

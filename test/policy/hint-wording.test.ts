/**
 * Hints that explained the wrong thing: a quoted "true" was blamed on YAML 1.2's booleans (it is
 * text because of its quotes), and a provider without a usable name (`~:`, `null:`, `"":`, a
 * name with a space) was zod's bare "Invalid key in record", without the rule for names. A name
 * in accented or CJK letters was told to "use letters"; one budget written without its "- " was
 * told to write `- name: name`; a section holding anchors for later aliases was a bare unknown key.
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
      expect(p!.message).toBe('an entry without a name (YAML reads ~, null and "" as no value): give it a name: use ASCII letters, digits, "_", "-" or "." (max 64, the first a letter or digit)');
    });
  }

  it('a name with a space: names it and the rule, at the name\'s line (not its first field\'s)', () => {
    const [p] = problems('providers:\n  my gateway:\n    protocol: openai\n');
    expect(p).toMatchObject({ line: 2, column: 3, path: 'providers.my gateway' });
    expect(p!.message).toBe('"my gateway" is not a name Tollgate takes: use ASCII letters, digits, "_", "-" or "." (max 64, the first a letter or digit)');
  });
});

describe('a scope key without a name', () => {
  for (const [written, text, line, column] of [
    ['~ in a flow mapping', 'budgets:\n  - name: b\n    usd: 5\n    period: month\n    scope: {~: x}\n', 5, 13],
    ['null on its own line', 'budgets:\n  - name: b\n    usd: 5\n    period: month\n    scope:\n      team: a\n      null: x\n', 7, 7],
  ] as const) {
    it(`${written}: says it has no name and which names a scope takes, at the key`, () => {
      const [p, ...rest] = problems(text);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ path: 'budgets.0.scope', line, column });
      expect(p!.message).toBe('an entry without a name (YAML reads ~, null and "" as no value): write one of team, user, feature, key');
    });
  }
});

describe('a block under a name no provider has', () => {
  it('is reported at the name, not at the block\'s first field', () => {
    const [p, ...rest] = problems('version: 1\nrouting:\n  tiers:\n    anthrpic:\n      small: claude-3-5-haiku-latest\n');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ path: 'routing.tiers.anthrpic', line: 4, column: 5 });
    expect(p!.message).toMatch(/^"anthrpic" is no provider/);
  });
});

describe('shapes people write', () => {
  it('a name in accented or CJK letters, or starting with "_": the rule says which letters and what comes first', () => {
    const found = problems('budgets:\n  - name: équipe-été\n    period: month\n    usd: 5\n  - name: _private\n    period: month\n    usd: 5\n  - name: 検索\n    period: month\n    usd: 5\n');
    const rule = 'use ASCII letters, digits, "_", "-" or "." (max 64, the first a letter or digit)';
    expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
      [2, 'budgets.0.name', rule],
      [5, 'budgets.1.name', rule],
      [8, 'budgets.2.name', rule],
    ]);
  });

  it('one budget written without its "- ": the hint quotes its name, not the word "name"', () => {
    const [p, ...rest] = problems('budgets:\n  name: team-cap\n  period: month\n  usd: 5\n');
    expect(rest).toEqual([]);
    expect([p!.line, p!.path, p!.message]).toEqual([2, 'budgets', 'expected a list, got a mapping: write the entry as "- name: team-cap", its other fields under it']);
    // Budgets keyed by their names keep their own hint.
    expect(problems('budgets:\n  team-cap:\n    period: month\n    usd: 5\n')[0]!.message).toBe('expected a list, got a mapping: write each entry as "- name: team-cap" followed by its fields');
  });

  it('a top-level section of anchors for merge keys (`<<: *a`) is said to be one, as an anchored one is', () => {
    const [p, ...rest] = problems('defs:\n  monthly: &monthly { period: month }\n  five: &five { usd: 5 }\nbudgets:\n  - <<: [*monthly, *five]\n    name: a\n');
    expect(rest).toEqual([]);
    expect([p!.line, p!.message]).toEqual([1, 'Unrecognized key: "defs"; a policy has no section for shared definitions: put the anchor (&name) on the first entry that uses it']);
  });
});

/**
 * Tags copied from other YAML dialects: Home Assistant's `!secret`, CloudFormation's `!Ref`,
 * `!env` helpers, and a YAML type tag yaml cannot apply (`!!float 5`). yaml only warns and keeps the
 * plain text, so `model: !secret chat_model` routed to the model "chat_model" and `usd: !!float 5`
 * was "the text "5": write 5 (no quotes…)" although there were no quotes. Each is refused at its
 * place; tags that fit their value (`!!int 100`, `!!str team`) still work.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  return r.ok ? [] : r.problems;
}

describe('YAML tags', () => {
  it.each([
    ['!secret (Home Assistant) on a rule model', 'routing:\n  rules:\n    - name: r\n      match: { feature: chat }\n      model: !secret chat_model\n', 5, 14, '!secret is a tag Tollgate does not read'],
    ['!env on apiKeyEnv', 'providers:\n  openai:\n    apiKeyEnv: !env OPENAI_API_KEY\n', 3, 16, '!env is a tag Tollgate does not read'],
    ['!Ref (CloudFormation) on a header glob', 'routing:\n  rules:\n    - name: r\n      match: { header: { x-team: !Ref TeamName } }\n      tier: large\n', 4, 34, '!Ref is a tag'],
    ['!!float on a whole number', 'budgets:\n  - name: team\n    period: day\n    usd: !!float 5\n', 4, 10, 'the tag !!float does not fit this value'],
  ])('%s is refused at its place', (_name, text, line, column, message) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, column });
    expect(found[0]?.message).toContain(message);
  });

  it('tags that fit their value keep working', () => {
    const r = parsePolicy('budgets:\n  - name: !!str team\n    period: day\n    usd: !!float 5.5\n    tokens: !!int 100\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.budgets[0]).toMatchObject({ name: 'team', usd: 5.5, tokens: 100 });
  });
});

/**
 * Globs meet YAML's reserved characters: `model: *-mini` is an alias to a missing anchor (reported
 * at line 1, column 1 as "Unresolved alias … -mini"), `x-team: *` an alias with no name, and
 * `model: @cf/meta/*` a reserved start. Each is reported at its own place, saying to quote it.
 */
describe('globs that YAML reads as something else', () => {
  it.each([
    ['a model glob starting with *', 'routing:\n  rules:\n    - name: r\n      match:\n        model: *-mini\n      tier: small\n', 5, 16, '"*-mini"'],
    ['a feature glob starting with *, in a flow mapping', 'routing:\n  rules:\n    - name: r\n      match: { feature: *search* }\n      tier: small\n', 4, 25, '"*search*"'],
    ['a header glob that is only *', 'routing:\n  rules:\n    - name: r\n      match:\n        header:\n          x-team: *\n      tier: small\n', 6, 19, '"*"'],
    ['a model starting with @', 'routing:\n  rules:\n    - name: r\n      match:\n        model: @cf/meta/*\n      tier: small\n', 5, 16, 'quote the value'],
  ])('%s is reported at its place, saying to quote it', (_name, text, line, column, hint) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, column });
    expect(found[0]?.message).toContain(hint);
  });

  it('quoted, the same globs are rules, and real anchors still resolve', () => {
    const r = parsePolicy('routing:\n  rules:\n    - name: r\n      match: &m { model: "*-mini", header: { x-team: "*" } }\n      tier: small\n    - name: s\n      match: *m\n      tier: large\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.routing.rules.map((x) => x.match)).toEqual([
      { model: '*-mini', header: { 'x-team': '*' } },
      { model: '*-mini', header: { 'x-team': '*' } },
    ]);
  });
});

/**
 * Values YAML reads as another type than the policy wants: `x-beta: true` and `x-version: 2` in a
 * header match are a boolean and a number, and `feature: [search, chat]` is a list. zod said
 * "Invalid input: expected string, received boolean"; the message now says what to write.
 */
describe('rule values of another type', () => {
  it.each([
    ['a header value true', 'match:\n        header: { x-beta: true }', 'routing.rules.0.match.header.x-beta', 'write "true" in quotes'],
    ['a header value 2', 'match:\n        header: { x-api-version: 2 }', 'routing.rules.0.match.header.x-api-version', 'write "2" in quotes'],
    ['a list of features', 'match:\n        feature: [search, chat]', 'routing.rules.0.match.feature', 'write a rule per value, or one glob'],
    ['a list of models', 'match:\n        model: [gpt-4o, gpt-4o-mini]', 'routing.rules.0.match.model', 'write a rule per value, or one glob'],
  ])('%s says what to write', (_name, match, path, hint) => {
    const found = problems(`routing:\n  rules:\n    - name: r\n      ${match}\n      tier: large\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 5, path });
    expect(found[0]?.message).toContain(hint);
  });
});

describe('YAML habits from other files', () => {
  it('a tab in the indentation says what to write instead', () => {
    const found = problems('cache:\n\tenabled: true\n');
    expect(found[0]).toMatchObject({ line: 2, column: 1 });
    expect(found[0]?.message).toMatch(/tabs.*indent with spaces/i);
  });

  it('a top-level key that only holds an anchor (as in Compose and CI files) says where the anchor goes', () => {
    const found = problems('common: &d { period: day, usd: 5 }\nbudgets:\n  - { name: a, <<: *d }\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 1, column: 1 });
    expect(found[0]?.message).toContain('put the anchor (&name) on the first entry that uses it');
  });
});

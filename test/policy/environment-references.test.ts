/**
 * Policies written like the Docker Compose, CI and LiteLLM files next to them: `${MODEL}`,
 * `${BASE:-https://…}`, `$NAME`, `os.environ/NAME`. Tollgate reads the policy as written, so a rule's
 * `model: ${MODEL}` was accepted and sent the model "${MODEL}" upstream on every matching call, and
 * `apiKeyEnv: $OPENAI_API_KEY` got only "an environment variable name". Each reference is refused at
 * its line, saying what to write; a key pasted into apiKeyEnv is called a key, without repeating it.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  return r.ok ? [] : r.problems;
}

describe('environment variable references in a policy', () => {
  it.each([
    ['a rule model', 'routing:\n  rules:\n    - name: r\n      match: { feature: chat }\n      model: ${CHAT_MODEL}\n', 5, 'routing.rules.0.model', 'CHAT_MODEL'],
    ['a tier model, quoted', 'routing:\n  tiers:\n    openai: { small: "${SMALL_MODEL}" }\n', 3, 'routing.tiers.openai.small', 'SMALL_MODEL'],
    ['a provider header value', 'providers:\n  openai:\n    headers:\n      OpenAI-Organization: $OPENAI_ORG\n', 4, 'providers.openai.headers.OpenAI-Organization', 'OPENAI_ORG'],
    ['a base URL with a default', 'providers:\n  groq:\n    baseUrl: "${GROQ_BASE_URL:-https://api.groq.com/openai/v1}"\n', 3, 'providers.groq.baseUrl', 'GROQ_BASE_URL'],
    ['a budget amount', 'budgets:\n  - name: team\n    period: day\n    usd: ${DAILY_USD}\n', 4, 'budgets.0.usd', 'DAILY_USD'],
  ])('in %s is refused at its line, naming the variable', (_name, text, line, path, variable) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, path });
    expect(found[0]?.message).toContain(variable);
    expect(found[0]?.message).toContain('does not expand environment variables');
  });

  it.each([
    ['$OPENAI_API_KEY', 'OPENAI_API_KEY'],
    ['"${OPENAI_API_KEY}"', 'OPENAI_API_KEY'],
    ['os.environ/GROQ_API_KEY', 'GROQ_API_KEY'],
  ])('apiKeyEnv: %s says to write the name alone', (value, name) => {
    const found = problems(`providers:\n  openai:\n    apiKeyEnv: ${value}\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 3, path: 'providers.openai.apiKeyEnv' });
    expect(found[0]?.message).toBe(`apiKeyEnv takes the variable's name alone: write ${name}`);
  });

  it.each(['sk-proj-Q2x9aB7cD1eF3gH5', 'gsk_8f7e6d5c4b3a2f1e0d9c', 'a1b2c3d4e5f6a7b8c9d0e1f2'])('a key pasted into apiKeyEnv (%s) is called a key and never repeated', (key) => {
    const found = problems(`providers:\n  openai:\n    apiKeyEnv: ${key}\n`);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('looks like an API key');
    expect(found[0]?.message).not.toContain(key);
  });

  it('leaves dollar amounts, $schema and ordinary values alone', () => {
    const r = parsePolicy('$schema: ./tollgate.schema.json\nproviders:\n  openai: { apiKeyEnv: OPENAI_API_KEY, headers: { X-Note: "costs $5 a day" } }\nrouting:\n  rules:\n    - name: r\n      match: { header: { x-team: "$*" } }\n      tier: large\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.routing.rules[0]?.match.header).toEqual({ 'x-team': '$*' });
    expect(problems('budgets:\n  - name: team\n    period: day\n    usd: $5\n')[0]?.message).toContain('write 5');
  });
});

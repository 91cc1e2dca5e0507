/**
 * Portkey keeps budget and rate limits on workspaces, API keys and virtual keys only
 * (portkey.ai/docs product/administration/enforce-budget-and-rate-limit). A feature is a tag a
 * request carries and a glob names no single owner, so "the key of feature chat-*" is no key a
 * reader can find; the warning must say there is none and what to set instead.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const POLICY = `budgets:
  - { name: chat, period: month, usd: 50, scope: { feature: "chat-*" } }
  - { name: ml, period: month, usd: 50, scope: { team: "ml-*" } }
  - { name: search, period: month, usd: 50, scope: { team: search } }
  - { name: stop, period: month, usd: 0, scope: { feature: summary } }
rateLimits:
  - { name: rpm, rpm: 10, scope: { feature: summary } }
`;

function warnings(target: 'portkey' | 'bifrost' | 'litellm'): Map<string, string> {
  const r = parsePolicy(POLICY, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(exportPolicy(r.policy, target, { file: 'policy.yaml', text: POLICY }).warnings.map((w) => [w.field, w.message]));
}

describe('a budget no gateway key owns says so', () => {
  const portkey = warnings('portkey');

  it.each(['budgets[0]', 'budgets[3]', 'rateLimits[0]'])('Portkey: %s of a feature names no feature key', (field) => {
    expect(portkey.get(field)).not.toContain('key of feature');
    expect(portkey.get(field)).toContain('Portkey has no per-feature budgets or limits');
    expect(portkey.get(field)).toMatch(/a Portkey API key or virtual key that only the calls of feature (chat-\*|summary) use/);
  });

  it('Portkey: a team glob is pooled on one key of its own, not the key of "team ml-*"', () => {
    expect(portkey.get('budgets[1]')).toContain('a Portkey API key or virtual key that only the calls of team ml-* use (a Portkey key belongs to one owner, not a pattern');
    expect(portkey.get('budgets[2]')).toContain('set as a budget limit on the Portkey virtual key or API key of team search');
  });

  it('Bifrost: a feature glob is refused for having no feature owner, not for being a glob', () => {
    const bifrost = warnings('bifrost');
    expect(bifrost.get('budgets[0].scope.feature')).toContain('no feature owner');
    expect(bifrost.get('budgets[1].scope.team')).toContain('the glob "ml-*" is not exported');
  });

  it('LiteLLM: a feature glob has no per-feature budget', () => {
    expect(warnings('litellm').get('budgets[0].scope.feature')).toContain('no per-feature budgets');
  });
});

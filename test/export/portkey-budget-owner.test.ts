/**
 * Portkey's open-source gateway has no budgets or rate limits, so each one is a warning telling the
 * reader where to set it by hand. A policy usually has a budget per team, user or key; a warning that
 * gives only the budget's name and cap does not say whose virtual key it belongs on.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const POLICY = `budgets:
  - { name: daily, period: day, usd: 5, scope: { team: search } }
  - { name: daily-2, period: day, usd: 5, scope: { user: ana } }
  - { name: key-cap, period: month, usd: 40, scope: { key: tg_0123456789abcdef } }
  - { name: all, period: month, usd: 500 }
  - { name: frozen, period: day, usd: 0, scope: { team: "a b/c" } }
  - { name: pair, period: week, tokens: 1000, scope: { team: ml, user: bo } }
  - { name: tiny, period: month, usd: 0.5, scope: { team: ml } }
  - { name: few, period: week, tokens: 50, usd: 2, scope: { user: bo } }
rateLimits:
  - { name: rpm, rpm: 10, scope: { team: search } }
  - { name: rpm-all, rpm: 100 }
`;

function warnings(): Map<string, string> {
  const r = parsePolicy(POLICY, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(exportPolicy(r.policy, 'portkey', { file: 'policy.yaml', text: POLICY }).warnings.map((w) => [w.field, w.message]));
}

describe('Portkey budget and rate-limit warnings say whose they are', () => {
  const w = warnings();

  it.each([
    ['budgets[0]', 'team search'],
    ['budgets[1]', 'user ana'],
    ['budgets[2]', 'key tg_0123456789abcdef'],
    ['budgets[4]', 'team a b/c'],
    ['budgets[5]', 'team ml and user bo'],
    ['rateLimits[0]', 'team search'],
  ])('%s names %s and the key to set it on', (field, owner) => {
    expect(w.get(field)).toContain(`of ${owner}`);
  });

  it('a budget and a rate limit of everyone go on the workspace', () => {
    expect(w.get('budgets[3]')).toContain('"all" ($500 per month) caps everyone, so it must be set as a budget limit on the Portkey workspace');
    expect(w.get('rateLimits[1]')).toContain('"rpm-all" limits everyone, so it must be set as a rate limit on the Portkey workspace');
  });

  it('a frozen team is told to disable that team\'s key', () => {
    expect(w.get('budgets[4]')).toContain('"frozen" ($0 per day) refuses every call of team a b/c in Tollgate');
    expect(w.get('budgets[4]')).toContain('disable the Portkey virtual key or API key of team a b/c instead');
  });

  // Portkey's limits start at $1 and 100 tokens and reset weekly or monthly (portkey.ai/docs budget-limits, when-do-budget-limits-reset).
  it('a budget finer than Portkey enforces says what Portkey does instead', () => {
    expect(w.get('budgets[6]')).toContain('Portkey takes no limit under $1, so the least it enforces lets more through than this budget');
    expect(w.get('budgets[7]')).toContain('Portkey takes no limit under 100 tokens,');
    expect(w.get('budgets[0]')).toContain("resets limits weekly or monthly, never daily, so a weekly limit of 7 days' budget lets a week's spend through in one day");
    for (const whole of ['budgets[2]', 'budgets[3]', 'budgets[5]']) expect(w.get(whole)).not.toMatch(/no limit under|never daily/);
    // A frozen scope is told to disable its key, not about minimums or resets.
    expect(w.get('budgets[4]')).not.toMatch(/no limit under|never daily/);
  });
});

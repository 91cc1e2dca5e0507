/**
 * A budget a gateway cannot express is left out with one warning saying so. The warnings about how
 * an exported budget would differ (no warnAt threshold, no "downgrade" action, a dropped token cap)
 * came on top of it, and read as if the budget were exported with those differences.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function warningsFor(target: ExportTarget, budgets: string): string[] {
  const text = `providers:\n  openai: {}\nbudgets:\n${budgets}`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return exportPolicy(r.policy, target, { file: 'policy.yaml', text })
    .warnings.filter((w) => w.field.startsWith('budgets[1]'))
    .map((w) => `${w.field}: ${w.message}`);
}

const FIRST = `  - { name: all, period: month, usd: 100 }\n`;

describe('a budget that is not exported gets one warning', () => {
  it('LiteLLM: a feature budget', () => {
    const w = warningsFor('litellm', `${FIRST}  - { name: chat, period: day, usd: 5, tokens: 1000, warnAt: 0.5, action: downgrade, scope: { feature: chat } }\n`);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^budgets\[1\]\.scope\.feature: .*not exported/);
  });

  it('LiteLLM: a combined scope, a glob and a second proxy-wide budget', () => {
    for (const b of ['{ name: x, period: day, usd: 5, scope: { team: a, user: b } }', '{ name: x, period: day, usd: 5, scope: { team: "eng-*" } }', '{ name: x, period: day, usd: 5, action: downgrade }']) {
      const w = warningsFor('litellm', `${FIRST}  - ${b}\n`);
      expect(w, b).toHaveLength(1);
      expect(w[0], b).toContain('not exported');
    }
  });

  it('LiteLLM: an exported team budget still says how it differs', () => {
    const w = warningsFor('litellm', `${FIRST}  - { name: eng, period: day, usd: 5, action: downgrade, scope: { team: eng } }\n`);
    expect(w.map((x) => x.split(':')[0]).sort()).toEqual(['budgets[1].action', 'budgets[1].warnAt']);
  });

  it('Bifrost: a second proxy-wide USD budget', () => {
    const w = warningsFor('bifrost', `${FIRST}  - { name: x, period: day, usd: 5, action: downgrade }\n`);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^budgets\[1\]\.usd: .*not exported/);
  });

  it('Bifrost: a user budget', () => {
    const w = warningsFor('bifrost', `${FIRST}  - { name: x, period: day, usd: 5, scope: { user: ana } }\n`);
    expect(w).toHaveLength(1);
  });
});

/**
 * A Tollgate token budget exports to Bifrost as its owner's rate limit (token_max_limit,
 * token_reset_duration). Bifrost resets a rate limit on the calendar when its owner — virtual key,
 * team or customer — is `calendar_aligned`, which every exported owner is: the reset path reads
 * `rateLimit.IsCalendarAligned` (plugins/governance/store.go `rateLimitResetTargets`), stamped from
 * the owner (framework/configstore/tables/budget.go `StampCalendarAlignment`, customer.go/team.go
 * `AfterFind`). The warning once said such a limit resets a period after its first use and can let
 * twice its tokens through; it now says what Bifrost does with this config.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const POLICY = `budgets:
  - { name: ml-tokens, period: week, tokens: 100000, scope: { team: ml } }
  - { name: all-tokens, period: month, tokens: 5000000 }
  - { name: ci-day, period: day, tokens: 2000, scope: { key: tg_0123456789abcdef } }
`;

describe('Bifrost token budget warning says the rate limit resets on the calendar', () => {
  const r = parsePolicy(POLICY, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'bifrost', { file: 'policy.yaml', text: POLICY });
  const config = JSON.parse(out.files.find((f) => f.path === 'config.json')?.content ?? '{}');
  const gov = config.governance as Record<string, Array<Record<string, unknown>>>;
  const tokenWarnings = out.warnings.filter((w) => /^budgets\[\d+\]\.tokens$/.test(w.field));

  it('names the calendar period and the owner alignment, not a rolling window', () => {
    expect(tokenWarnings.map((w) => w.field)).toEqual(['budgets[0].tokens', 'budgets[1].tokens', 'budgets[2].tokens']);
    const [week, month, day] = tokenWarnings.map((w) => w.message);
    expect(week).toContain('token_reset_duration 1w), which resets at the start of each calendar week because the owner is calendar_aligned');
    expect(month).toContain('token_reset_duration 1M), which resets at the start of each calendar month');
    expect(day).toContain('token_reset_duration 1d), which resets at the start of each calendar day');
    for (const m of [week, month, day]) expect(m).not.toMatch(/twice its tokens/);
  });

  it('each rate limit belongs to a calendar_aligned owner, as the warning says', () => {
    const owners = [...(gov.teams ?? []), ...(gov.customers ?? []), ...(gov.virtual_keys ?? [])].filter((o) => o.rate_limit_id !== undefined);
    expect(owners).toHaveLength(3);
    for (const o of owners) expect(o.calendar_aligned).toBe(true);
    const durations = owners.map((o) => gov.rate_limits?.find((l) => l.id === o.rate_limit_id)?.token_reset_duration).sort();
    expect(durations).toEqual(['1M', '1d', '1w']);
  });
});

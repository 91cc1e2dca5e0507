/**
 * Bifrost derives a budget's and a rate limit's calendar alignment from its owner's `calendar_aligned`
 * (virtual key, team, customer). A budget row's own `calendar_aligned` is deprecated: on load it is
 * promoted only from a virtual key's or team's inline budgets and from the budget or rate limit a
 * customer names by id — never from a top-level budget naming its team by `team_id`, the shape
 * this export writes (maximhq/bifrost transports/bifrost-http/lib/config.go
 * `promoteDeprecatedCalendarAligned`, framework/configstore/tables/budget.go `StampCalendarAlignment`).
 * A team left unaligned resets its daily budget 24 h after it was created, not at midnight as Tollgate does,
 * and a token-only global budget (a rate limit) rolls the same way.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import Ajv2019 from 'ajv/dist/2019';
import { bifrostSchemaSubset } from './bifrostSchema';

const POLICY = `budgets:
  - { name: search-day, period: day, usd: 20, scope: { team: search } }
  - { name: ml-tokens, period: week, tokens: 100000, scope: { team: ml } }
  - { name: all-tokens, period: month, tokens: 5000000 }
`;

describe('Bifrost teams and customers own calendar-aligned budgets', () => {
  const r = parsePolicy(POLICY, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'bifrost', { file: 'policy.yaml', text: POLICY });
  const config = JSON.parse(out.files.find((f) => f.path === 'config.json')?.content ?? '{}');
  const gov = config.governance as { teams: Array<{ id: string; calendar_aligned?: boolean }>; customers: Array<{ id: string; calendar_aligned?: boolean }> };

  it('every team and the global customer carry calendar_aligned', () => {
    expect(gov.teams.map((t) => [t.id, t.calendar_aligned])).toEqual([
      ['team-ml', true],
      ['team-search', true],
    ]);
    expect(gov.customers.map((c) => [c.id, c.calendar_aligned])).toEqual([['tollgate-global', true]]);
  });

  it('the file still passes the Bifrost schema', () => {
    const validate = new Ajv2019({ allErrors: true, strict: false, validateFormats: false }).compile(bifrostSchemaSubset);
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });
});

/**
 * Bifrost refuses to save a rate limit whose token_max_limit is 0 ("token_max_limit cannot be zero or
 * negative", TableRateLimit.BeforeSave, framework/configstore/tables/ratelimit.go), while a budget may
 * have max_limit 0 (only a negative one is refused, TableBudget.BeforeSave) and refuses from the first
 * call. A scope Tollgate freezes with tokens: 0 is frozen on Bifrost by a $0 budget.
 */
describe('Bifrost freezes a tokens: 0 scope with a limit it accepts', () => {
  const text = `budgets:
  - { name: ops, period: day, tokens: 0, scope: { team: ops } }
  - { name: ci, period: month, tokens: 0, usd: 5, scope: { key: tg_0123456789abcdef } }
  - { name: web, period: week, tokens: 1000, scope: { team: web } }
`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const config = JSON.parse(exportPolicy(r.policy, 'bifrost', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')?.content ?? '{}');
  const gov = config.governance as { budgets?: Array<Record<string, unknown>>; rate_limits?: Array<Record<string, unknown>> };

  it('no rate limit of 0 tokens, and a $0 budget on each frozen owner', () => {
    expect((gov.rate_limits ?? []).filter((l) => l.token_max_limit === 0)).toEqual([]);
    expect((gov.budgets ?? []).map((b) => [b.team_id ?? b.virtual_key_id, b.max_limit, b.reset_duration])).toEqual([
      ['team-ops', 0, '1d'],
      ['vk-tg_0123456789abcdef', 0, '1M'],
    ]);
    expect((gov.rate_limits ?? []).map((l) => [l.id, l.token_max_limit])).toEqual([['rl-team-web', 1000]]);
  });
});

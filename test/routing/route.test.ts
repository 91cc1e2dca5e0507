/** routeRequest: auto, rules by feature / header / tokens / exact model, thresholds, missing tiers. */
import { describe, expect, it } from 'vitest';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { routeRequest, RoutingError, type RouteInput } from '../../proxy/src/routing/route';

const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };
const EASY = 'What is the capital of Portugal?';
const HARD =
  'Design a multi-region event store for a payments ledger. It must guarantee exactly-once processing, survive the loss of a region ' +
  'without losing acknowledged writes, and keep p99 write latency under 50 ms. Compare consensus-based replication with ' +
  'asynchronous replication plus reconciliation, analyze the failure modes of each, and justify your choice step by step.';

function input(policy: PolicyInput, over: Partial<RouteInput> = {}): RouteInput {
  return {
    policy: PolicySchema.parse(policy),
    provider: 'openai',
    model: 'auto',
    messages: [{ role: 'user', text: EASY }],
    headers: {},
    inputTokens: 10,
    ...over,
  };
}

describe('routeRequest', () => {
  it('routes model "auto" by score and says so in the header', () => {
    const easy = routeRequest(input({ routing: { tiers } }))!;
    expect(easy.tier).toBe('small');
    expect(easy.model).toBe('gpt-4.1-nano');
    expect(easy.header).toBe(`small; score=${easy.score.toFixed(2)}; rule=auto`);
    expect(easy.rule).toBeUndefined();
    const hard = routeRequest(input({ routing: { tiers } }, { messages: [{ role: 'user', text: HARD }] }))!;
    expect(hard.tier).toBe('large');
    expect(hard.model).toBe('gpt-4.1');
    expect(hard.header).toMatch(/^large; score=[01]\.\d\d; rule=auto$/);
  });

  it('uses the policy thresholds', () => {
    const all = routeRequest(input({ routing: { tiers, thresholds: { medium: 0, large: 0 } } }))!;
    expect(all.tier).toBe('large');
  });

  it('leaves an explicit model alone when no rule matches', () => {
    expect(routeRequest(input({ routing: { tiers } }, { model: 'gpt-4o' }))).toBeUndefined();
  });

  it('matches rules by feature, header and input tokens, first match wins', () => {
    const policy: PolicyInput = {
      routing: {
        tiers,
        rules: [
          { name: 'big-context', match: { minInputTokens: 50_000 }, tier: 'large' },
          { name: 'autocomplete', match: { feature: 'autocomplete*' }, tier: 'small' },
          { name: 'beta-header', match: { header: { 'X-Tollgate-Route': 'cheap' } }, model: 'gpt-4o-mini' },
          { name: 'support-auto', match: { feature: 'support' } },
        ],
      },
    };
    const hardMsg = { messages: [{ role: 'user', text: HARD }], model: 'gpt-4.1' };
    const byFeature = routeRequest(input(policy, { ...hardMsg, feature: 'autocomplete-inline' }))!;
    expect(byFeature).toMatchObject({ tier: 'small', model: 'gpt-4.1-nano', rule: 'autocomplete' });
    expect(byFeature.header).toMatch(/^small; score=[01]\.\d\d; rule=autocomplete$/);
    const byTokens = routeRequest(input(policy, { feature: 'autocomplete', inputTokens: 60_000 }))!;
    expect(byTokens).toMatchObject({ tier: 'large', rule: 'big-context' });
    const byHeader = routeRequest(input(policy, { model: 'gpt-4.1', headers: { 'x-tollgate-route': 'cheap' } }))!;
    expect(byHeader).toMatchObject({ model: 'gpt-4o-mini', rule: 'beta-header' });
    expect(byHeader.tier).toBeUndefined();
    expect(byHeader.header).toMatch(/^model=gpt-4o-mini; score=[01]\.\d\d; rule=beta-header$/);
    // A rule without tier or model routes by score.
    const scored = routeRequest(input(policy, { ...hardMsg, feature: 'support' }))!;
    expect(scored).toMatchObject({ tier: 'large', rule: 'support-auto' });
  });

  it('falls back to the nearest configured tier, larger first', () => {
    const only = routeRequest(input({ routing: { tiers: { openai: { medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } } }))!;
    expect(only).toMatchObject({ tier: 'medium', model: 'gpt-4.1-mini' });
    const smallOnly = routeRequest(
      input({ routing: { tiers: { openai: { small: 'gpt-4.1-nano' } } } }, { messages: [{ role: 'user', text: HARD }] }),
    )!;
    expect(smallOnly).toMatchObject({ tier: 'small', model: 'gpt-4.1-nano' });
  });

  it('model "auto" without tiers for the provider is a configuration error', () => {
    expect(() => routeRequest(input({ routing: { tiers } }, { provider: 'anthropic' }))).toThrow(RoutingError);
    expect(() => routeRequest(input({}))).toThrow(/routing\.tiers\.openai/);
  });
});

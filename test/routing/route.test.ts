/** routeRequest: auto, rules by feature / header / tokens / exact model, thresholds, missing tiers. */
import { describe, expect, it } from 'vitest';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { routeRequest, RoutingError, type RouteInput } from '../../proxy/src/routing/route';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';

const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };
const EASY = 'What is the capital of Portugal?';
const HARD =
  'Design a multi-region event store for a payments ledger. It must guarantee exactly-once processing, survive the loss of a region ' +
  'without losing acknowledged writes, and keep p99 write latency under 50 ms. Compare consensus-based replication with ' +
  'asynchronous replication plus reconciliation, analyze the failure modes of each, and justify your choice step by step.';

/** The hand-weighted score router (routing.router: score), which these first tests pin down. */
function input(policy: PolicyInput, over: Partial<RouteInput> = {}): RouteInput {
  return learnedInput({ ...policy, routing: { router: 'score', ...policy.routing } }, over);
}

/** The default router (learned). */
function learnedInput(policy: PolicyInput, over: Partial<RouteInput> = {}): RouteInput {
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

  it.each(['Auto', 'AUTO', ' auto', 'auto\n'])('model %j is "auto": routed, and rules on model "auto" take it', (model) => {
    expect(routeRequest(input({ routing: { tiers } }, { model }))).toMatchObject({ tier: 'small', model: 'gpt-4.1-nano', header: expect.stringMatching(/rule=auto$/) });
    const ruled = input({ routing: { tiers, rules: [{ name: 'autos-large', match: { model: 'auto' }, tier: 'large' }] } }, { model });
    expect(routeRequest(ruled)).toMatchObject({ tier: 'large', rule: 'autos-large' });
    expect(() => routeRequest(input({}, { model }))).toThrow(RoutingError);
    // A model merely containing the word is a model.
    expect(routeRequest(input({ routing: { tiers } }, { model: 'openrouter/auto-ish' }))).toBeUndefined();
  });

  it('model "auto" without tiers for the provider is a configuration error', () => {
    expect(() => routeRequest(input({ routing: { tiers } }, { provider: 'anthropic' }))).toThrow(RoutingError);
    expect(() => routeRequest(input({}))).toThrow(/routing\.tiers\.openai/);
  });
});

describe('routeRequest with the learned router (the default)', () => {
  const useLite = (seed: number) => {
    const v = new Float32Array(512);
    for (let i = 0; i < 512; i++) v[i] = Math.sin(seed * (i + 1));
    const n = Math.hypot(...v);
    return { modelId: USE_LITE_MODEL_ID, vector: v.map((x) => x / n) };
  };

  it('says tier, probabilities and "cheap" with the reason when there is no embedding', () => {
    const d = routeRequest(learnedInput({ routing: { tiers } }, { embeddingUnavailable: 'embedding model loading' }))!;
    expect(d.header).toMatch(/^(small|medium|large); p=[01]\.\d\d\/[01]\.\d\d; by=cheap\(embedding model loading\); rule=auto$/);
    expect(d.learned?.variant).toBe('cheap');
    expect(d.score).toBe(Math.round(d.learned!.p.atLeastMedium * 100) / 100);
  });

  it('uses the embedding when it is USE-lite, and says "model"', () => {
    const d = routeRequest(learnedInput({ routing: { tiers } }, { embedding: useLite(1) }))!;
    expect(d.learned?.variant).toBe('embedding');
    expect(d.header).toMatch(/; by=model; rule=auto$/);
  });

  it('a near-identical team exemplar decides, and the header names it', () => {
    const d = routeRequest(learnedInput({ routing: { tiers } }, { embedding: useLite(2), exemplars: [{ tier: 'large', similarity: 0.99, line: 2 }] }))!;
    expect(d).toMatchObject({ tier: 'large', model: 'gpt-4.1' });
    expect(d.header).toMatch(/^large; p=[01]\.\d\d\/[01]\.\d\d; by=exemplars:1@0\.99; rule=auto$/);
  });

  it('policy thresholds do not move the learned router; rules still win over it', () => {
    const a = routeRequest(learnedInput({ routing: { tiers, thresholds: { medium: 0, large: 0 } } }))!;
    const b = routeRequest(learnedInput({ routing: { tiers } }))!;
    expect(a.tier).toBe(b.tier);
    const ruled = routeRequest(learnedInput({ routing: { tiers, rules: [{ name: 'all-large', match: { model: 'auto' }, tier: 'large' }] } }))!;
    expect(ruled).toMatchObject({ tier: 'large', rule: 'all-large' });
  });

  it("never re-routes quality sampling's own calls", () => {
    const policy: PolicyInput = { routing: { tiers, rules: [{ name: 'support', match: { feature: 'support' }, tier: 'small' }] } };
    expect(routeRequest(learnedInput(policy, { model: 'gpt-4.1', feature: 'support', headers: { 'x-tollgate-quality-sample': 'tg_1' } }))).toBeUndefined();
    expect(routeRequest(learnedInput(policy, { model: 'gpt-4.1', feature: 'support' }))?.tier).toBe('small');
  });
});

/**
 * A routing rule whose only setting is `semanticThreshold` tunes the semantic cache; it must not
 * route. Before the fix, routeRequest took any matching rule without `model`/`tier` as "the router
 * picks the tier": a request naming `gpt-4o` in feature `faq` was sent to the medium tier
 * (`medium; …; rule=faq-threshold`), and the threshold rule hid a later routing rule.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { semanticThreshold } from '../../proxy/src/pipeline/semanticCacheStage';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { routeRequest, ruleMatches, type RouteInput } from '../../proxy/src/routing/route';
import { startHarness, type Harness } from '../support/harness';

const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };
type Rules = NonNullable<NonNullable<PolicyInput['routing']>['rules']>;
const thresholdOnly = { name: 'faq-threshold', match: { feature: 'faq' }, semanticThreshold: 0.99 };

function input(rules: Rules, over: Partial<RouteInput> = {}): RouteInput {
  return {
    policy: PolicySchema.parse({ routing: { router: 'score', tiers, rules } }),
    provider: 'openai',
    model: 'gpt-4o',
    messages: [{ role: 'user', text: 'How do I reset my password?' }],
    feature: 'faq',
    headers: {},
    inputTokens: 10,
    ...over,
  };
}

function ctxWith(rules: Rules, feature: string | undefined, headers: Record<string, string> = {}): CallContext {
  const policy = PolicySchema.parse({ routing: { tiers, rules } });
  return { req: { headers }, services: { policy: { policy } }, tags: feature ? { feature } : {}, modelRequested: 'gpt-4o', body: {} } as unknown as CallContext;
}

describe('routeRequest with a semanticThreshold-only rule', () => {
  it('leaves a request that names a model alone', () => {
    expect(routeRequest(input([thresholdOnly]))).toBeUndefined();
  });

  it('does not shadow a later routing rule that also matches', () => {
    const d = routeRequest(input([thresholdOnly, { name: 'faq-large', match: { feature: 'faq' }, tier: 'large' }]))!;
    expect(d.rule).toBe('faq-large');
    expect(d.model).toBe('gpt-4.1');
    expect(d.header).toMatch(/; rule=faq-large$/);
  });

  it('is not the rule named for model "auto" (the router decides, rule=auto)', () => {
    const d = routeRequest(input([thresholdOnly], { model: 'auto' }))!;
    expect(d.rule).toBeUndefined();
    expect(d.header).toMatch(/; rule=auto$/);
  });

  it('keeps the meaning of the other rule shapes', () => {
    // Neither tier, model nor threshold: the router picks the tier, as before.
    const bare = routeRequest(input([{ name: 'faq-routed', match: { feature: 'faq' } }]))!;
    expect(bare.rule).toBe('faq-routed');
    expect(bare.tier).toBeDefined();
    // A tier (or model) together with a threshold still routes.
    expect(routeRequest(input([{ name: 'faq-small', match: { feature: 'faq' }, tier: 'small', semanticThreshold: 0.95 }]))!.model).toBe('gpt-4.1-nano');
    expect(routeRequest(input([{ name: 'faq-model', match: { feature: 'faq' }, model: 'gpt-4o-mini', semanticThreshold: 0.95 }]))!.model).toBe('gpt-4o-mini');
    // A threshold-only rule that does not match changes nothing either way.
    expect(routeRequest(input([thresholdOnly], { feature: 'billing' }))).toBeUndefined();
  });
});

describe('the semantic threshold finds its rule with the same matcher', () => {
  it('takes the first matching rule that sets a threshold, routing rules without one skipped', async () => {
    const rules: Rules = [
      { name: 'faq-large', match: { feature: 'faq' }, tier: 'large' },
      thresholdOnly,
      { name: 'faq-loose', match: { feature: 'faq' }, tier: 'small', semanticThreshold: 0.8 },
    ];
    expect(await semanticThreshold(ctxWith(rules, 'faq'), 0.9)).toBe(0.99);
    expect(await semanticThreshold(ctxWith(rules, 'billing'), 0.9)).toBe(0.9);
    // Routing, on the same request, takes the first rule that routes.
    expect(routeRequest(input(rules))!.rule).toBe('faq-large');
    expect(ruleMatches(thresholdOnly, { model: 'gpt-4o', feature: 'faq', headers: {}, inputTokens: 0 })).toBe(true);
  });
});

describe('through the proxy (real OpenAI SDK)', () => {
  let h: Harness;
  let client: OpenAI;
  beforeAll(async () => {
    h = await startHarness({
      routing: {
        tiers,
        rules: [thresholdOnly, { name: 'faq-vip', match: { feature: 'faq', header: { 'x-vip': 'yes' } }, tier: 'large' }],
      },
    });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-threshold-rules', maxRetries: 0 });
  });
  afterAll(async () => {
    await h?.close();
  });
  const lastUpstreamModel = () => (h.upstream.requests.at(-1)!.body as { model: string }).model;

  it('sends a request naming gpt-4o in feature faq to gpt-4o, unrouted', async () => {
    const res = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: `How do I reset my password? ${Date.now()}` }] }, { headers: { 'x-tollgate-feature': 'faq' } })
      .withResponse();
    expect(lastUpstreamModel()).toBe('gpt-4o');
    expect(res.response.headers.get('x-tollgate-route')).toBeNull();
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.modelUsed).toBe('gpt-4o');
    expect(row.route ?? null).toBeNull();
  });

  it('still applies a later routing rule that matches', async () => {
    const res = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: `How do I change my email? ${Date.now()}` }] }, { headers: { 'x-tollgate-feature': 'faq', 'x-vip': 'yes' } })
      .withResponse();
    expect(lastUpstreamModel()).toBe('gpt-4.1');
    expect(res.response.headers.get('x-tollgate-route')).toMatch(/^large; .*rule=faq-vip$/);
  });
});

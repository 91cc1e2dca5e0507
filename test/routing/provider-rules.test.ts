/**
 * `match.provider` on routing rules. A rule naming an exact model applied to every provider, so
 * `feature: autocomplete → model: gpt-4.1-nano` also rewrote that feature's Anthropic calls to an
 * OpenAI model name, which Anthropic rejects (404 not_found_error). A rule can now say which
 * provider it is for; a provider glob that matches no provider is a policy problem (a misspelt
 * name would otherwise turn the rule off without a word).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { semanticThreshold } from '../../proxy/src/pipeline/semanticCacheStage';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { ruleMatches } from '../../proxy/src/routing/route';
import { startHarness, type Harness } from '../support/harness';

const autocomplete = { name: 'autocomplete-nano', match: { feature: 'autocomplete', provider: 'openai' }, model: 'gpt-4.1-nano' };
const policy: PolicyInput = { routing: { rules: [autocomplete] } };

describe('a routing rule scoped to one provider, through the proxy with the real SDKs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(policy);
  });
  afterAll(async () => {
    await h?.close();
  });

  const upstreamModels = (): unknown[] => h.upstream.requests.map((r) => (r.body as { model?: unknown } | undefined)?.model);

  it('rewrites the OpenAI call of that feature', async () => {
    h.upstream.requests.length = 0;
    const openai = new OpenAI({ apiKey: 'sk-test-provider-rules', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    const res = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'complete: const x =' }], max_tokens: 8 }, { headers: { 'x-tollgate-feature': 'autocomplete' } })
      .withResponse();
    expect(upstreamModels()).toEqual(['gpt-4.1-nano']);
    expect(res.response.headers.get('x-tollgate-route')).toContain('rule=autocomplete-nano');
  });

  it('leaves the Anthropic call of the same feature on the model it asked for', async () => {
    h.upstream.requests.length = 0;
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test-provider-rules', baseURL: h.anthropicBaseUrl, maxRetries: 0 });
    const res = await anthropic.messages
      .create({ model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'complete: const x =' }] }, { headers: { 'x-tollgate-feature': 'autocomplete' } })
      .withResponse();
    expect(res.data.type).toBe('message');
    expect(upstreamModels()).toEqual(['claude-3-5-haiku-latest']);
    expect(res.response.headers.get('x-tollgate-route')).toBeNull();
  });
});

describe('match.provider', () => {
  const subject = { model: 'gpt-4o', feature: 'autocomplete', headers: {}, inputTokens: 0 };

  it('is a glob over the request provider, and a rule naming one never matches a request without one', () => {
    expect(ruleMatches(autocomplete, { ...subject, provider: 'openai' })).toBe(true);
    expect(ruleMatches(autocomplete, { ...subject, provider: 'anthropic' })).toBe(false);
    expect(ruleMatches(autocomplete, subject)).toBe(false);
    expect(ruleMatches({ match: { provider: 'azure-*' } }, { ...subject, provider: 'azure-eu' })).toBe(true);
  });

  it('that matches no provider is a problem at the rule, naming the providers there are', () => {
    const r = PolicySchema.safeParse({ providers: { azure: { baseUrl: 'https://example.openai.azure.com/openai/v1' } }, routing: { rules: [{ ...autocomplete, match: { provider: 'opneai' } }] } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['routing', 'rules', 0, 'match', 'provider']);
    expect(issue.message).toContain('openai, anthropic, azure');
    expect(issue.message).toContain('autocomplete-nano');
    // Flex rules share the match block.
    expect(PolicySchema.safeParse({ routing: { flex: [{ name: 'slow', match: { provider: 'nobody' } }] } }).success).toBe(false);
    expect(PolicySchema.safeParse({ routing: { rules: [{ ...autocomplete, match: { provider: 'an*' } }] } }).success).toBe(true);
  });

  it('scopes a semantic threshold rule to its provider too (the same matcher)', async () => {
    const policy = PolicySchema.parse({ routing: { rules: [{ name: 'strict-claude', match: { provider: 'anthropic' }, semanticThreshold: 0.99 }] } });
    const ctx = (provider: string) =>
      ({ req: { headers: {} }, services: { policy: { policy } }, tags: {}, modelRequested: 'm', provider: { name: provider }, body: {} }) as unknown as CallContext;
    expect(await semanticThreshold(ctx('anthropic'), 0.9)).toBe(0.99);
    expect(await semanticThreshold(ctx('openai'), 0.9)).toBe(0.9);
  });
});

/**
 * The route stage sends a rule's exact model to the provider the policy names for it, within the
 * rule's `match.provider`. It used to find the matched rule again by name in whatever policy was
 * current after the stage's awaits (token count, embedding): a hot reload landing there mixed two
 * policies — the old policy's model with the new policy's `match.provider` — and sent a groq model
 * to OpenAI, a result neither policy gives. The decision now carries what it needs.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { routeStage } from '../../proxy/src/pipeline/governanceStages';
import { PolicySchema, resolveProviders, type Policy, type PolicyInput } from '../../proxy/src/policy/schema';
import type { Json } from '../../proxy/src/providers/types';

const groq = { baseUrl: 'https://api.groq.com/openai/v1', models: ['llama-*'] };
const before = PolicySchema.parse({
  providers: { groq },
  routing: { rules: [{ name: 'chat-llama', match: { feature: 'chat' }, model: 'llama-3.3-70b-versatile' }] },
} satisfies PolicyInput);
// The edit: the rule is now for Anthropic requests only, so an OpenAI request is not routed at all.
const after = PolicySchema.parse({
  providers: { groq },
  routing: { rules: [{ name: 'chat-llama', match: { feature: 'chat', provider: 'anthropic' }, model: 'llama-3.3-70b-versatile' }] },
} satisfies PolicyInput);

/** The slice of a call's context the route stage reads; the store's policy is replaced while the stage awaits the router. */
function callContext(first: Policy, reloaded: Policy): { ctx: CallContext; reloads: () => number } {
  const store = { policy: first };
  let reloads = 0;
  const router = {
    inputsFor: async () => {
      // The file watcher applies the saved policy while the stage waits for the embedding.
      store.policy = reloaded;
      reloads++;
      return { embeddingUnavailable: 'test' };
    },
    remember: () => {},
    afterCall: () => {},
  };
  const providers = resolveProviders(first);
  const body: Json = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello there' }] };
  const ctx = {
    services: { policy: store, router, providers: () => providers, env: {} },
    endpoint: { billable: true, routable: true, protocol: 'openai' },
    provider: providers.get('openai'),
    modelRequested: 'gpt-4o',
    modelUsed: 'gpt-4o',
    body,
    tags: { feature: 'chat' },
    req: { headers: {}, originalUrl: '/v1/chat/completions', socket: {} },
    requestId: 'req-1',
    extraHeaders: {},
  };
  return { ctx: ctx as unknown as CallContext, reloads: () => reloads };
}

describe('a policy reload while the route stage waits', () => {
  it('the call follows the policy that decided it, not a mix of the two', async () => {
    const { ctx, reloads } = callContext(before, after);
    await routeStage(ctx, async () => {});
    expect(reloads()).toBe(1);
    // The decision was made on the first policy: its model goes to the provider serving it.
    expect(ctx.provider?.name).toBe('groq');
    expect(ctx.modelUsed).toBe('llama-3.3-70b-versatile');
    expect(ctx.extraHeaders['x-tollgate-route']).toContain('rule=chat-llama');
  });

  it('without a reload, a rule limited to other providers keeps the request where it is', async () => {
    const { ctx } = callContext(after, after);
    await routeStage(ctx, async () => {});
    expect(ctx.provider?.name).toBe('openai');
    expect(ctx.modelUsed).toBe('gpt-4o');
  });
});

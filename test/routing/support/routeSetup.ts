/**
 * Shared setup of the routing tests that route a conversation body: the tier models of both
 * providers, routeRequest on a request body as the route stage reads it (chatTexts, no embedding:
 * the learned router's cheap variant), and a real proxy with those tiers for the SDK round trips.
 */
import { afterAll, beforeAll } from 'vitest';
import { chatTexts } from '../../../proxy/src/pipeline/governanceStages';
import { PolicySchema } from '../../../proxy/src/policy/schema';
import type { Json } from '../../../proxy/src/providers/types';
import { routeRequest, type RouteDecision } from '../../../proxy/src/routing/route';
import { startHarness, type Harness } from '../../support/harness';

export const tiers = {
  openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' },
  anthropic: { small: 'claude-3-5-haiku-latest', medium: 'claude-sonnet-4-0', large: 'claude-opus-4-1' },
};

export type RouterKind = 'learned' | 'score';

/** The route of `body` (`model: "auto"`) for `provider`, without an embedding. */
export function routeBody(router: RouterKind, provider: string, body: Json): RouteDecision {
  const decision = routeRequest({
    policy: PolicySchema.parse({ routing: { tiers, router } }),
    provider,
    model: 'auto',
    messages: chatTexts(body),
    headers: {},
    inputTokens: 0,
    embeddingUnavailable: 'test',
  });
  if (!decision) throw new Error('model "auto" was not routed');
  return decision;
}

/**
 * A real proxy with `tiers` and `router`, started before the calling describe's tests and closed
 * after them. Call inside a describe; read the harness from the returned function in a test.
 */
export function routingProxy(router: RouterKind): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness({ routing: { tiers, router } });
  });
  afterAll(async () => {
    await h?.close();
  });
  return () => {
    if (!h) throw new Error('the routing proxy is not started (call routingProxy inside a describe)');
    return h;
  };
}

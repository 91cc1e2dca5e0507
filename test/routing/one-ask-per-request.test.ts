/**
 * What the router reads of a conversation (routingAsk: the user-turn filter, the walk back over
 * answered questions, the trimming of pasted material) is computed once per routed request and
 * handed to the features, the embedding and the recent-prompt memory. It was computed four times
 * (embedding, readable-script check, cheap features twice) plus once more to remember the prompt.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { chatTexts, routeStage } from '../../proxy/src/pipeline/governanceStages';
import { PolicySchema } from '../../proxy/src/policy/schema';
import type { Json } from '../../proxy/src/providers/types';
import * as features from '../../proxy/src/routing/features';
import { routeRequest } from '../../proxy/src/routing/route';
import { RouterRuntime } from '../../proxy/src/routing/runtime';
import { holdout, unseenCases } from './unseen/cases';
import { tiers } from './support/routeSetup';

vi.mock('../../proxy/src/routing/features', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../proxy/src/routing/features')>();
  return { ...original, routingAsk: vi.fn(original.routingAsk) };
});
const routingAsk = vi.mocked(features.routingAsk);

/** A deterministic stand-in for USE-lite's vector of a text (512 values in [-0.05, 0.05]). */
function pseudoVector(text: string): Float32Array {
  const v = new Float32Array(512);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  for (let i = 0; i < v.length; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    v[i] = ((h >>> 0) / 2 ** 32 - 0.5) / 10;
  }
  return v;
}

const policy = PolicySchema.parse({ routing: { tiers } });

/** The slice of a call's context the route stage reads and writes. */
function callContext(body: Json, router: RouterRuntime): CallContext {
  const ctx = {
    services: { policy: { policy }, router },
    endpoint: { billable: true, routable: true },
    provider: { name: 'openai' },
    modelRequested: 'auto',
    modelUsed: 'auto',
    body,
    tags: {},
    req: { headers: {}, originalUrl: '/v1/chat/completions', socket: {} },
    requestId: 'req-1',
    extraHeaders: {},
  };
  return ctx as unknown as CallContext;
}

describe('one routing ask per request', () => {
  it('the route stage reads the ask once, and routes and remembers it as before', async () => {
    const embedded: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-one-ask-'));
    const router = new RouterRuntime({
      exemplarsPath: join(dir, 'router-exemplars.tsv'),
      own: () => ({
        info: { modelId: USE_LITE_MODEL_ID },
        state: { state: 'ready' },
        embedIfReady: (text: string) => {
          embedded.push(text);
          return Promise.resolve(pseudoVector(text));
        },
      }),
    });
    const body: Json = {
      model: 'auto',
      messages: [
        { role: 'system', content: 'You are a careful reviewer.' },
        { role: 'user', content: 'Review our retry loop for a race between the timeout and the late success.' },
        { role: 'assistant', content: 'Which language is it in?' },
        { role: 'user', content: 'Go, with goroutines per attempt' },
      ],
    };
    const ctx = callContext(body, router);
    routingAsk.mockClear();
    await routeStage(ctx, async () => {});
    const calls = routingAsk.mock.calls.length;
    expect(calls).toBe(1);

    // The same decision as routeRequest computing the ask itself, with the same vector.
    const ask = features.routingAsk(chatTexts(body));
    expect(embedded).toEqual([ask]);
    const alone = routeRequest({
      policy,
      provider: 'openai',
      model: 'auto',
      messages: chatTexts(body),
      headers: {},
      inputTokens: 0,
      embedding: { modelId: USE_LITE_MODEL_ID, vector: pseudoVector(ask) },
    });
    expect(ctx.extraHeaders['x-tollgate-route']).toBe(alone?.header);
    expect(ctx.modelUsed).toBe(alone?.model);
    // The memory holds what the router read, for a later dashboard verdict.
    try {
      expect(router.recordVerdict({ requestId: 'req-1', route: alone!.header }, 'bigger').prompt).toBe(ask);
    } finally {
      await router.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passing the ask changes no route of the unseen dev cases (learned, cheap and score)', () => {
    const dev = unseenCases.filter((c) => !holdout(c.id));
    expect(dev.length).toBeGreaterThan(100);
    for (const c of dev) {
      const messages = chatTexts(c.body as Json);
      const ask = features.routingAsk(messages);
      const embedding = { modelId: USE_LITE_MODEL_ID, vector: pseudoVector(ask) };
      for (const input of [{ embedding }, { embeddingUnavailable: 'test' }]) {
        for (const router of ['learned', 'score'] as const) {
          const base = { policy: PolicySchema.parse({ routing: { tiers, router } }), provider: 'openai', model: 'auto', messages, headers: {}, inputTokens: 0, ...input };
          const computed = routeRequest(base);
          const passed = routeRequest({ ...base, ask });
          expect(passed, c.id).toEqual(computed);
        }
      }
    }
  });
});

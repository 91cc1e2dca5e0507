/**
 * One embedding per request: when the router runs on the semantic cache's USE-lite service, the
 * vector it asked for is the one the cache's lookup gets for the same request and text; a vector
 * of the router's own service (another model than the cache's, possibly) is never shared.
 */
import { describe, expect, it } from 'vitest';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { embedRequestText } from '../../proxy/src/embedding/requestEmbedding';
import { RouterEmbedder, type EmbeddingSource } from '../../proxy/src/routing/embedding';

function countingSource(modelId: string): EmbeddingSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    info: { modelId },
    state: { state: 'ready', backend: 'use-lite' },
    embedIfReady(text: string) {
      calls.push(text);
      return Promise.resolve(new Float32Array([text.length, 1]));
    },
  };
}

describe('router and semantic cache share one embedding per request', () => {
  it("the cache's lookup reuses the router's vector for the same request and text", async () => {
    const cacheService = countingSource(USE_LITE_MODEL_ID);
    const router = new RouterEmbedder({ shared: () => cacheService });
    const request = {};
    const routed = await router.embed('how do I reset my password?', request);
    expect('embedding' in routed).toBe(true);
    const lookup = embedRequestText(request, 'how do I reset my password?', cacheService);
    expect(await lookup).toBe('embedding' in routed ? routed.embedding.vector : undefined);
    expect(cacheService.calls).toEqual(['how do I reset my password?']);

    // Another request embeds again.
    await router.embed('how do I reset my password?', {});
    expect(cacheService.calls).toHaveLength(2);
  });

  it("a vector from the router's own service is not offered to the cache", async () => {
    const cacheService = countingSource('Xenova/all-MiniLM-L6-v2');
    const own = countingSource(USE_LITE_MODEL_ID);
    const router = new RouterEmbedder({ shared: () => cacheService, own: () => own });
    const request = {};
    await router.embed('summarise this ticket', request);
    await embedRequestText(request, 'summarise this ticket', cacheService);
    expect(own.calls).toEqual(['summarise this ticket']);
    expect(cacheService.calls).toEqual(['summarise this ticket']);
  });
});

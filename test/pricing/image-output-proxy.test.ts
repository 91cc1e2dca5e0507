/**
 * The image-output reservation through the real proxy and the OpenAI SDK. A high-quality
 * gpt-image-1.5 portrait can bill about $0.20 of image tokens (6,240 at the image-output rate):
 * admitted on a $0.24 budget, its worst case takes the budget past its 80 % warning, and the
 * response says so. Reserved as text output (4,096 tokens, about $0.04) it stayed at 16 %, and
 * concurrent calls were admitted against money the image was about to spend.
 */
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { mediaProxy } from '../providers/openai-endpoints/mediaUpstream';

const t = mediaProxy({ retries: { attempts: 0 }, budgets: [{ name: 'images', period: 'day', usd: 0.24, action: 'block' }] });

describe('a budget and the images a call can draw', () => {
  it('the image tokens reach the warning, the text-rate figure does not', () => {
    const image = priceCall('gpt-image-1.5', { inputTokens: 0, outputTokens: 6_240, outputImageTokens: 6_240 }, 'openai').totalUsd;
    const asText = priceCall('gpt-image-1.5', { inputTokens: 50, outputTokens: 4_096 }, 'openai').totalUsd;
    expect(asText / 0.24).toBeLessThan(0.8);
    expect(image / 0.24).toBeGreaterThan(0.8);
  });

  it("a high-quality portrait's reservation holds its image tokens", async () => {
    const { response } = await t.client.images.generate({ model: 'gpt-image-1.5', prompt: 'a lighthouse at dusk', quality: 'high', size: '1024x1536' }).withResponse();
    const budget = response.headers.get('x-tollgate-budget') ?? '';
    expect(budget).toMatch(/^warn; name=images; used=\d+%/);
    const used = Number(/used=(\d+)%/.exec(budget)?.[1]);
    expect(used).toBeGreaterThanOrEqual(80);
    expect(used).toBeLessThan(120);
  });
});

describe('an Images API call reserves its images, not the text-output default on top', () => {
  // A low-quality square gpt-image-1 image is 272 image tokens (about $0.011); the policy's
  // 4,096-token text-output default at gpt-image-1's output rate added about $0.16 to it.
  const low = mediaProxy({ retries: { attempts: 0 }, budgets: [{ name: 'thumbs', period: 'day', usd: 0.0125, action: 'block' }] });

  it('a low-quality thumbnail is held at about its bill', async () => {
    const image = priceCall('gpt-image-1', { inputTokens: 0, outputTokens: 272, outputImageTokens: 272 }, 'openai').totalUsd;
    expect(image / 0.0125).toBeGreaterThan(0.8);
    const { response } = await low.client.images.generate({ model: 'gpt-image-1', prompt: 'a small lighthouse icon', quality: 'low', size: '1024x1024' }).withResponse();
    const used = Number(/used=(\d+)%/.exec(response.headers.get('x-tollgate-budget') ?? '')?.[1]);
    expect(used).toBeGreaterThanOrEqual(80);
    expect(used).toBeLessThan(120);
  });
});

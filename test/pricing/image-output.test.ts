/**
 * Image output tokens: gpt-image-* answers split `output_tokens` into
 * `output_tokens_details.{text_tokens,image_tokens}` (openai-node's ImagesResponse.Usage), and
 * models such as gpt-image-1.5 bill image output at a rate of its own ($32/M, text output $10/M).
 * Priced as text output, a generated image was billed at about a third of its price.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { usageOf } from '../../proxy/src/providers';
import { proxyOver } from '../support/proxyOver';

const USAGE = {
  input_tokens: 1_050,
  input_tokens_details: { text_tokens: 50, image_tokens: 1_000 },
  output_tokens: 4_260,
  output_tokens_details: { text_tokens: 100, image_tokens: 4_160 },
  total_tokens: 5_310,
};
const ANSWER = { created: 1_764_633_600, data: [{ b64_json: Buffer.from('not really a png').toString('base64') }], usage: USAGE };

/** genai-prices' own figure for this answer: its images extractor and calcPrice. */
function reference(model: string): number {
  const { usage } = extractUsage(findProvider({ providerId: 'openai' })!, ANSWER, 'images');
  return calcPrice(usage, model, { providerId: 'openai' })!.total_price;
}

describe('image output tokens', () => {
  it.each(['gpt-image-1.5', 'gpt-image-1', 'gpt-image-1-mini'])('%s: an image answer is priced as genai-prices prices it', (model) => {
    const usage = { ...usageOf('images.generations', ANSWER)!, outputImageTokens: USAGE.output_tokens_details.image_tokens };
    expect(usage).toMatchObject({ inputTokens: 1_050, outputTokens: 4_260, inputImageTokens: 1_000 });
    expect(priceCall(model, usage, 'openai').totalUsd).toBeCloseTo(reference(model), 12);
  });

  it('gpt-image-1.5 image output costs more than the same tokens as text', () => {
    const asText = priceCall('gpt-image-1.5', { inputTokens: 1_050, outputTokens: 4_260, inputImageTokens: 1_000 }, 'openai').totalUsd;
    const asImage = priceCall('gpt-image-1.5', { inputTokens: 1_050, outputTokens: 4_260, inputImageTokens: 1_000, outputImageTokens: 4_160 }, 'openai').totalUsd;
    expect(asImage).toBeGreaterThan(asText * 2);
  });

  describe('through the proxy', () => {
    let server: Server | undefined;
    const t = proxyOver({
      provider: 'openai',
      startUpstream: async () => {
        server = createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_image_1' });
            res.end(JSON.stringify(ANSWER));
          });
        });
        await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
        return {
          baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
          close: () => new Promise<void>((r) => server!.close(() => r())),
        };
      },
      client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-proj-images', maxRetries: 0 }),
    });

    it('the ledger bills a gpt-image-1.5 image at its image-output rate', async () => {
      const r = await t.client.images.generate({ model: 'gpt-image-1.5', prompt: 'a lighthouse at dusk' });
      expect(r.usage?.output_tokens_details?.image_tokens).toBe(4_160);
      const row = t.h.proxy.services.db.prepare('SELECT model_used, input_tokens, output_tokens, cost_usd, priced FROM calls ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
      expect(row).toMatchObject({ model_used: 'gpt-image-1.5', input_tokens: 1_050, output_tokens: 4_260, priced: 1 });
      expect(row.cost_usd as number).toBeCloseTo(reference('gpt-image-1.5'), 9);
    });
  });
});

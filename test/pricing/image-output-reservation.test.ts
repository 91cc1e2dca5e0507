/**
 * Budget reservations of calls that draw images: an Images API generation or edit, and a Responses
 * request with an `image_generation` tool, reserve the image tokens OpenAI's table gives for their
 * quality, size and number (tokens/imageOutput.ts) at the image model's image-output rate
 * (genai-prices). Reserved as text output, a gpt-image-1.5 high-quality image was held at about a
 * fifth of its bill and ten images at the figure of one.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { reservationImageOutput } from '../../proxy/src/pipeline/cost';
import { imageOutputTokens, imagesRequestOutputTokens, imageToolOutput } from '../../proxy/src/tokens/imageOutput';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';

/** genai-prices' price of this output: text tokens at the output rate, image tokens at the image-output rate. */
function billed(model: string, inputTokens: number, textOut: number, imageOut: number): number {
  return calcPrice({ input_tokens: inputTokens, output_tokens: textOut + imageOut, output_image_tokens: imageOut }, model, { providerId: 'openai' })!.total_price;
}

describe('image output tokens by quality, size and number', () => {
  it("OpenAI's table for gpt-image-1, gpt-image-1-mini and gpt-image-1.5", () => {
    expect(imageOutputTokens('gpt-image-1', 'low', '1024x1024')).toBe(272);
    expect(imageOutputTokens('gpt-image-1-mini', 'medium', '1024x1536')).toBe(1_584);
    expect(imageOutputTokens('gpt-image-1.5', 'high', '1536x1024')).toBe(6_208);
    // auto (or absent) quality and size: the most they can bill.
    expect(imageOutputTokens('gpt-image-1.5', 'auto', 'auto')).toBe(6_240);
    expect(imageOutputTokens('openai/gpt-image-1', undefined, undefined)).toBe(6_240);
    expect(imageOutputTokens('dall-e-3', 'hd', '1024x1024')).toBeUndefined();
  });

  it('gpt-image-2 (free-form sizes): the nearest documented size by aspect ratio, scaled by pixel area', () => {
    expect(imageOutputTokens('gpt-image-2', 'high', '1024x1024')).toBe(4_160);
    // 16:9 is nearest 3:2 (1536x1024): 1,568 medium tokens over 1.5 MP, times 1536x864.
    expect(imageOutputTokens('gpt-image-2', 'medium', '1536x864')).toBe(Math.ceil((1_568 * 1536 * 864) / (1536 * 1024)));
    // 4K at high quality: over seven times a square megapixel image, not one image's figure.
    expect(imageOutputTokens('gpt-image-2-2026-04-21', 'high', '3840x2160')).toBeGreaterThan(7 * 4_160);
    // auto or an unreadable size: the most a documented size bills.
    expect(imageOutputTokens('openai/gpt-image-2', 'auto', 'auto')).toBe(6_240);
    expect(imagesRequestOutputTokens('gpt-image-2', { quality: 'low', size: '2048x2048', n: 3 })).toBe(3 * 4 * 272);
  });

  it('matches by family: snapshots, minor releases, gateway prefixes and the chatgpt-image-latest alias', () => {
    // OpenAI's image generation guide names chatgpt-image-latest beside gpt-image-1.5: the alias of
    // ChatGPT's current image model, reserved as the free-size family so no size is under-held.
    for (const m of ['gpt-image-2.1', 'gpt-image-2-mini', 'chatgpt-image-latest', 'azure:gpt-image-2', 'openai:gpt-image-2-2026-04-21']) {
      expect(imageOutputTokens(m, 'high', '1024x1024')).toBe(4_160);
      expect(imageOutputTokens(m, 'high', '2048x2048')).toBe(4 * 4_160);
    }
    for (const m of ['gpt-image-1.5-2025-12-16', 'gpt-image-1-mini-2025-10-06', 'azure_openai:gpt-image-1']) expect(imageOutputTokens(m, 'low', '1024x1024')).toBe(272);
    expect(imageOutputTokens('gpt-image-10x', 'high', '1024x1024')).toBeUndefined();
  });

  it('n images (a multipart edit sends n as text), and 100 tokens a streamed partial image', () => {
    expect(imagesRequestOutputTokens('gpt-image-1.5', { quality: 'high', size: '1024x1024', n: 4 })).toBe(4 * 4_160);
    expect(imagesRequestOutputTokens('gpt-image-1', { quality: 'low', size: '1024x1024', n: '3' })).toBe(3 * 272);
    expect(imagesRequestOutputTokens('gpt-image-1', { quality: 'low', size: '1024x1024', stream: true, partial_images: 2 })).toBe(272 + 200);
    expect(imagesRequestOutputTokens('gpt-image-1', { n: 50 })).toBe(10 * 6_240);
  });

  it("a Responses image_generation tool: its model (gpt-image-1 when unnamed), quality and size", () => {
    expect(imageToolOutput({ model: 'gpt-5', tools: [{ type: 'image_generation', quality: 'medium', size: '1024x1024' }] })).toEqual({ model: 'gpt-image-1', tokens: 1_056 });
    expect(imageToolOutput({ model: 'gpt-5', tools: [{ type: 'image_generation', model: 'gpt-image-1.5', partial_images: 1 }], max_tool_calls: 2 })).toEqual({ model: 'gpt-image-1.5', tokens: 2 * (6_240 + 100) });
    expect(imageToolOutput({ model: 'gpt-5', tools: [{ type: 'web_search' }] })).toBeUndefined();
  });
});

describe('what a call reserves', () => {
  let t: TempDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  const ctxOf = (endpoint: string, body: Record<string, unknown>): CallContext =>
    ({ endpoint: { id: endpoint }, body, modelUsed: String(body.model), provider: { name: 'openai', baseUrl: 'https://api.openai.com/v1', kind: 'openai', authHeader: 'authorization' } }) as unknown as CallContext;

  function reserve(ctx: CallContext, inputTokens: number, maxOutputTokens: number): number {
    t = tempDb();
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: 1_000, action: 'block' }] });
    const governor = new Governor(t.open(), () => p, manualClock().now);
    try {
      const imageOutput = reservationImageOutput(ctx);
      const r = governor.admit({ identity: { keyFingerprint: 'tg_img' }, provider: 'openai', model: ctx.modelUsed, inputTokens, maxOutputTokens, ...(imageOutput ? { imageOutput } : {}) });
      expect(r.decision).toBe('allow');
      return r.reservedUsd ?? 0;
    } finally {
      governor.close();
    }
  }

  it('a gpt-image-1.5 generation: at least its bill at high quality, and not wildly above', () => {
    const ctx = ctxOf('images.generations', { model: 'gpt-image-1.5', prompt: 'a lighthouse at dusk', quality: 'high', size: '1024x1536', n: 2 });
    const bill = billed('gpt-image-1.5', 50, 200, 2 * 6_240);
    const reserved = reserve(ctx, 50, 200);
    expect(reserved).toBeGreaterThanOrEqual(bill);
    expect(reserved).toBeLessThan(bill * 1.5);
  });

  it('gpt-image-2 images are reserved by size and number, not as one text answer', () => {
    const ctx = ctxOf('images.generations', { model: 'gpt-image-2', prompt: 'a city at night', quality: 'high', size: '2560x1440', n: 2 });
    const tokens = 2 * Math.ceil((6_208 * 2560 * 1440) / (1536 * 1024));
    expect(reserve(ctx, 50, 0)).toBeGreaterThanOrEqual(billed('gpt-image-2', 50, 0, tokens));
  });

  it('a gpt-image-1 edit (multipart fields) reserves its images too', () => {
    const ctx = ctxOf('images.edits', { model: 'gpt-image-1', prompt: 'add a hat', quality: 'medium', size: '1024x1024', n: '2' });
    expect(reserve(ctx, 300, 100)).toBeGreaterThanOrEqual(billed('gpt-image-1', 300, 100, 2 * 1_056));
  });

  it("a Responses call with an image_generation tool reserves the tool model's image on top of its text", () => {
    const ctx = ctxOf('responses', { model: 'gpt-5', input: 'draw a cat', tools: [{ type: 'image_generation', quality: 'high', size: '1024x1024' }] });
    const text = calcPrice({ input_tokens: 500, output_tokens: 1_000 }, 'gpt-5', { providerId: 'openai' })!.total_price;
    expect(reserve(ctx, 500, 1_000)).toBeGreaterThanOrEqual(text + billed('gpt-image-1', 0, 0, 4_160));
  });
});

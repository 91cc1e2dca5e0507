/**
 * Images and speech through the one base URL an app gives its OpenAI client (JSON requests; the
 * multipart uploads are in media-uploads.test.ts): relayed with the caller's key, binary answers
 * byte-exact with their content type, never cached, billed from the usage each answer reports
 * (genai-prices' image and audio rates), or recorded unpriced when the answer reports none.
 */
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../../proxy/src/pricing/price';
import { IMAGE_B64, mediaProxy } from './mediaUpstream';

const t = mediaProxy();
const { last: lastRow, lastSent } = t;

describe('images', () => {
  it('generates with gpt-image-1, billed at its text, image and output rates, and never from a cache', async () => {
    const a = await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat in a hat' });
    expect(a.data?.[0]?.b64_json).toBe(IMAGE_B64);
    expect(a.usage?.output_tokens).toBe(4160);
    expect(lastSent().headers.authorization).toBe('Bearer sk-proj-media');
    expect(lastSent().fields).toEqual({ model: 'gpt-image-1', prompt: 'a cat in a hat' });
    const want = priceCall('gpt-image-1', { inputTokens: 50, outputTokens: 4160 }, 'openai');
    expect(want.priced).toBe(true);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'images.generations', model_used: 'gpt-image-1', input_tokens: 50, output_tokens: 4160, priced: 1, tokens_estimated: 0 });
    expect(lastRow().cost_usd).toBeCloseTo(want.totalUsd, 9);
    const before = t.up.requests.length;
    await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat in a hat' });
    expect(t.up.requests.length).toBe(before + 1);
    expect(lastRow().cache).not.toBe('exact');
  });

  it('records a dall-e-3 image (no usage in its answer) as unpriced, not as an estimate', async () => {
    const a = await t.client.images.generate({ model: 'dall-e-3', prompt: 'a dog', size: '1024x1024' });
    expect(a.data?.[0]?.revised_prompt).toBe('a cat');
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'images.generations', model_used: 'dall-e-3', priced: 0, cost_usd: 0 });
  });

  it('streams partial images and bills the usage of the completed event', async () => {
    const stream = await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a fox', stream: true, partial_images: 1 });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['image_generation.partial_image', 'image_generation.completed']);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'images.generations', stream: 1, input_tokens: 50, output_tokens: 4160, priced: 1 });
  });
});

describe('audio', () => {
  it('relays speech as the upstream sent it: byte-exact mp3 with its content type', async () => {
    const r = await t.client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello there.' });
    expect(r.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await r.arrayBuffer()).equals(t.up.speech)).toBe(true);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.speech', model_used: 'tts-1', priced: 0 });
  });

  it('ends speech cut mid-audio as a broken body, not with an error frame inside the audio', async () => {
    const r = await fetch(`${t.h.openaiBaseUrl}/audio/speech`, { method: 'POST', headers: { authorization: 'Bearer sk-proj-media', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tts-1', voice: 'cut', input: 'Hello.' }) });
    expect(r.status).toBe(200);
    await expect(r.arrayBuffer()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lastRow()).toMatchObject({ status: 502, endpoint: 'audio.speech', error_type: 'upstream_reset' });
  });

  it('streams speech as SSE (stream_format "sse") and bills its usage', async () => {
    const r = await t.client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Hello there.', stream_format: 'sse' });
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await r.text();
    expect(text).toContain('speech.audio.done');
    const want = priceCall('gpt-4o-mini-tts', { inputTokens: 14, outputTokens: 101 }, 'openai');
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.speech', stream: 1, input_tokens: 14, output_tokens: 101, priced: 1 });
    expect(lastRow().cost_usd).toBeCloseTo(want.totalUsd, 9);
  });
});

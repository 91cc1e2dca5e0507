/**
 * Pre-call estimates of image inputs, per model and `detail`, against OpenAI's and Anthropic's
 * published vision math: a reservation must not be below what the image bills (gpt-4o-mini bills a
 * 1024×1024 photo at 25,501 tokens) nor far above it (a low-detail gpt-4o image is 85).
 * The fixtures are real image files (made with sharp); the PNG is written here with zlib.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { imageSize, imageTokens } from '../../proxy/src/tokens/images';
import { startHarness } from '../support/harness';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));

/** A real grayscale PNG of this size (all black), as a screenshot tool would send one. */
function png(width: number, height: number): Buffer {
  const crc = (b: Buffer): number => {
    let c = ~0;
    for (const byte of b) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // 1-bit grayscale
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const dataUrl = (b: Buffer, type = 'image/png'): string => `data:${type};base64,${b.toString('base64')}`;
const chat = (model: string, image: Json): Json => ({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: image }] }] });

describe('image sizes from the bytes a request carries', () => {
  it.each([
    ['photo-1920x1080-exif.jpg', 1920, 1080],
    ['square-1024.webp', 1024, 1024],
    ['lossless-800x600.webp', 800, 600],
    ['large-4000x3000.gif', 4000, 3000],
  ])('%s', (name, width, height) => {
    expect(imageSize(fixture(name))).toEqual({ width, height });
  });

  it('a PNG', () => {
    expect(imageSize(png(1366, 768))).toEqual({ width: 1366, height: 768 });
  });
});

describe('image tokens per model and detail (published vision math)', () => {
  it('tile-billed models: gpt-4o, gpt-4o-mini, o3; low detail is the base alone', () => {
    expect(imageTokens('gpt-4o', 'high', { width: 1024, height: 1024 })).toBe(765);
    expect(imageTokens('gpt-4o-2024-08-06', 'high', { width: 2048, height: 4096 })).toBe(1105);
    expect(imageTokens('gpt-4o', 'low', { width: 4000, height: 3000 })).toBe(85);
    expect(imageTokens('gpt-4o-mini', 'high', { width: 1024, height: 1024 })).toBe(25_501);
    expect(imageTokens('gpt-4o-mini', 'low', undefined)).toBe(2_833);
    expect(imageTokens('o3', 'high', { width: 512, height: 512 })).toBe(225);
  });

  it('patch-billed models: gpt-4.1-mini and o4-mini, capped at 1,536 patches', () => {
    expect(imageTokens('gpt-4.1-mini', 'high', { width: 1024, height: 1024 })).toBe(1_659);
    expect(imageTokens('gpt-4.1-mini', 'high', { width: 1800, height: 2400 })).toBe(Math.ceil(1_452 * 1.62));
    expect(imageTokens('o4-mini', 'high', undefined)).toBe(Math.ceil(1_536 * 1.72));
  });

  it('Claude: width × height / 750 or whole 28px patches, whichever is more, scaled to a 1,568px edge and about 1,600 tokens', () => {
    expect(imageTokens('claude-sonnet-4-5', 'high', { width: 1000, height: 1000 })).toBe(1_334);
    // 8 × 8 patches: more than 200 × 200 / 750 (54).
    expect(imageTokens('anthropic/claude-3-5-haiku-20241022', 'high', { width: 200, height: 200 })).toBe(64);
    expect(imageTokens('claude-opus-4-1', 'high', { width: 4000, height: 3000 })).toBe(1_600);
    expect(imageTokens('claude-sonnet-4-6', 'high', { width: 4000, height: 3000 })).toBe(1_600);
  });

  it('Claude Opus 4.7 and later read images up to a 2,576px edge and 4,784 tokens (Anthropic’s vision guide)', () => {
    for (const model of ['claude-opus-4-7', 'us.anthropic.claude-opus-4-7-v1:0', 'anthropic/claude-opus-4.7', 'claude-opus-4-8', 'claude-sonnet-latest']) {
      expect(imageTokens(model, 'high', { width: 4000, height: 3000 }), model).toBe(4_784);
      expect(imageTokens(model, 'high', undefined), model).toBe(4_784);
    }
    // 2,576 × 1,449: 92 × 52 patches, the documented most.
    expect(imageTokens('claude-opus-4-7', 'high', { width: 2576, height: 1449 })).toBe(4_784);
    expect(imageTokens('claude-opus-4-7', 'high', { width: 1000, height: 1000 })).toBe(1_334);
  });

  it('Gemini: 258 tokens within 384×384, else 258 per 768px tile (fit to 3072×3072); Gemini 3: 1,120 an image', () => {
    expect(imageTokens('gemini-2.5-flash', 'high', { width: 384, height: 300 })).toBe(258);
    expect(imageTokens('gemini-2.0-flash-001', 'low', { width: 1024, height: 1024 })).toBe(4 * 258);
    expect(imageTokens('models/gemini-2.5-pro', 'high', { width: 1920, height: 1080 })).toBe(3 * 2 * 258);
    // 4000×3000 is fitted to 3072×2304 first: 4 × 3 tiles.
    expect(imageTokens('google/gemini-2.5-flash', 'high', { width: 4000, height: 3000 })).toBe(12 * 258);
    expect(imageTokens('publishers/google/models/gemini-2.5-flash-lite', 'high', undefined)).toBe(16 * 258);
    expect(imageTokens('gemini-3-pro-preview', 'high', { width: 200, height: 200 })).toBe(1_120);
    expect(imageTokens('google/gemini-3.1-flash', 'low', undefined)).toBe(1_120);
  });

  it('an image of unknown size reserves the most its model bills for that detail', () => {
    expect(imageTokens('gpt-4o', 'high', undefined)).toBe(85 + 8 * 170);
    expect(imageTokens('gpt-4o-mini', 'high', undefined)).toBe(2_833 + 8 * 5_667);
    for (const [w, h] of [[2048, 768], [768, 2048], [1000, 1000], [5000, 300], [300, 5000]] as const) {
      expect(imageTokens('gpt-4o-mini', 'high', { width: w, height: h })).toBeLessThanOrEqual(imageTokens('gpt-4o-mini', 'high', undefined));
      expect(imageTokens('gpt-4.1-nano', 'high', { width: w, height: h })).toBeLessThanOrEqual(imageTokens('gpt-4.1-nano', 'high', undefined));
    }
  });
});

describe('request estimates with images', () => {
  const photo = dataUrl(png(1024, 1024));

  it('OpenAI chat: the image as its model bills it, by detail', () => {
    expect(inputParts(chat('gpt-4o-mini', { url: photo, detail: 'high' })).mediaTokens).toBe(25_501);
    expect(inputParts(chat('gpt-4o', { url: photo, detail: 'low' })).mediaTokens).toBe(85);
    expect(inputParts(chat('gpt-4o', { url: photo })).mediaTokens).toBe(765);
    // A URL the proxy does not fetch: the most a high-detail image bills.
    expect(inputParts(chat('gpt-4o', { url: 'https://example.com/cat.jpg' })).mediaTokens).toBe(1_445);
    expect(inputParts(chat('gpt-4o', { url: 'https://example.com/cat.jpg', detail: 'low' })).mediaTokens).toBe(85);
  });

  it('the Responses API (input_image with its own detail) and Anthropic base64 sources', () => {
    const responses = { model: 'gpt-4.1-mini', input: [{ role: 'user', content: [{ type: 'input_image', image_url: dataUrl(fixture('photo-1920x1080-exif.jpg'), 'image/jpeg'), detail: 'high' }] }] };
    // 1920×1080 is 60 × 34 = 2,040 patches: scaled down to fit 1,536.
    const patches = inputParts(responses).mediaTokens / 1.62;
    expect(patches).toBeGreaterThan(1_400);
    expect(inputParts(responses).mediaTokens).toBeLessThanOrEqual(Math.ceil(1_536 * 1.62));
    const anthropic = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/webp', data: fixture('square-1024.webp').toString('base64') } }] }] };
    expect(inputParts(anthropic).mediaTokens).toBe(Math.ceil((1024 * 1024) / 750));
  });

  it('a 4000×3000 PNG or GIF to Claude Opus 4.7 is reserved at the 4,784 tokens it can bill, to Sonnet 4.5 at 1,600', () => {
    for (const [data, type] of [[png(4000, 3000), 'image/png'], [fixture('large-4000x3000.gif'), 'image/gif']] as const) {
      const body = (model: string): Json => ({ model, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: type, data: data.toString('base64') } }] }] });
      expect(inputParts(body('claude-opus-4-7')).mediaTokens, type).toBe(4_784);
      expect(inputParts(body('claude-sonnet-4-5')).mediaTokens, type).toBe(1_600);
    }
  });

  it("Gemini's OpenAI-compatible chat (and Vertex's): the image's own header, not a flat 1,600", () => {
    expect(inputParts(chat('gemini-2.5-flash', { url: dataUrl(png(300, 200)) })).mediaTokens).toBe(258);
    expect(inputParts(chat('google/gemini-2.5-pro', { url: dataUrl(fixture('large-4000x3000.gif'), 'image/gif') })).mediaTokens).toBe(12 * 258);
  });

  it('the model the call is priced as, when routing changed it', () => {
    expect(inputParts(chat('gpt-4o', { url: photo, detail: 'high' }), 'gpt-4o-mini').mediaTokens).toBe(25_501);
  });
});

describe('rate-limit reservations with images (real proxy)', () => {
  it('a gpt-4o-mini photo is reserved at what it bills: over a 20k tokens-per-minute limit, refused before the upstream', async () => {
    const h = await startHarness({ rateLimits: [{ name: 'tpm', tpm: 20_000 }] });
    try {
      const openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-images', maxRetries: 0 });
      const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);
      const ask = (model: string, detail: 'low' | 'high') =>
        openai.chat.completions.create({ model, max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: dataUrl(png(1024, 1024)), detail } }] }] });
      expect(await status(ask('gpt-4o', 'high'))).toBe(200);
      const calls = h.upstream.calls();
      expect(await status(ask('gpt-4o-mini', 'high'))).toBe(429);
      expect(h.upstream.calls()).toBe(calls);
    } finally {
      await h.close();
    }
  });
});

describe('rate-limit reservations with Gemini images (real proxy)', () => {
  it('a large image to gemini-2.5-flash is reserved at its tiles: over a 3,000 tokens-per-minute limit, refused before the upstream', async () => {
    const h = await startHarness({ rateLimits: [{ name: 'tpm', tpm: 3_000 }] });
    try {
      const openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-gemini-images', maxRetries: 0 });
      const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);
      const ask = (image: string) =>
        openai.chat.completions.create({ model: 'gemini-2.5-flash', max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: image } }] }] });
      expect(await status(ask(dataUrl(png(320, 240))))).toBe(200);
      const calls = h.upstream.calls();
      // 4000×3000: 12 tiles, 3,096 tokens (a flat 1,600 fitted the limit).
      expect(await status(ask(dataUrl(fixture('large-4000x3000.gif'), 'image/gif')))).toBe(429);
      expect(h.upstream.calls()).toBe(calls);
    } finally {
      await h.close();
    }
  });
});

describe('images a tool sends back (Responses API)', () => {
  const shot = dataUrl(png(1280, 800));

  it('a computer_call_output screenshot and a function_call_output image list count as images, not 0', () => {
    const body = {
      model: 'computer-use-preview',
      input: [
        { type: 'computer_call_output', call_id: 'call_1', output: { type: 'computer_screenshot', image_url: shot } },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'the chart:' }, { type: 'input_image', image_url: shot, detail: 'low' }] },
      ],
    };
    // 1280×800 high: scaled to 1229×768, 3 × 2 tiles; low: the base alone.
    expect(inputParts(body).mediaTokens).toBe(65 + 6 * 129 + 65);
  });
});

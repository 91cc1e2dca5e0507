/**
 * Multipart uploads through the one base URL (image edits, audio transcriptions and translations):
 * the form's text fields drive routing, identity and the ledger; the form reaches the upstream as
 * multipart with its files byte for byte; each call is billed from the usage its answer reports.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { experimental_generateSpeech as generateSpeech, generateImage, experimental_transcribe as transcribe } from 'ai';
import { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../../proxy/src/pricing/price';
import { IMAGE_B64, mediaProxy } from './mediaUpstream';

const t = mediaProxy();
const { last: lastRow, lastSent } = t;

describe('image uploads', () => {
  it('relays an edit as multipart with its image files intact, tags from headers applied, image input tokens billed', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300_000, 7), Buffer.from([0xff, 0x00, 0xfe])]);
    const a = await t.client.images.edit(
      { model: 'gpt-image-1', prompt: 'add a hat', image: [await toFile(png, 'cat.png', { type: 'image/png' }), await toFile(png, 'dog.png', { type: 'image/png' })] },
      { headers: { 'x-tollgate-team': 'design' } },
    );
    expect(a.data?.[0]?.b64_json).toBe(IMAGE_B64);
    const sent = lastSent();
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const files = sent.fields['image[]'] as { name: string; type: string; bytes: Buffer }[];
    expect(files.map((f) => [f.name, f.type])).toEqual([['cat.png', 'image/png'], ['dog.png', 'image/png']]);
    expect(files.every((f) => f.bytes.equals(png))).toBe(true);
    expect(sent.fields.prompt).toBe('add a hat');
    const usage = { inputTokens: 50 + 646, outputTokens: 4160, inputImageTokens: 646 };
    const want = priceCall('gpt-image-1', usage, 'openai');
    expect(want.totalUsd).toBeGreaterThan(priceCall('gpt-image-1', { inputTokens: 696, outputTokens: 4160 }, 'openai').totalUsd);
    const row = lastRow();
    expect(row).toMatchObject({ status: 200, endpoint: 'images.edits', input_tokens: 696, priced: 1 });
    expect(row.cost_usd).toBeCloseTo(want.totalUsd, 9);
    expect(row.team).toBe('design');
  });
});

describe('audio uploads', () => {
  it('transcribes a multipart audio upload with gpt-4o-transcribe, billing its audio tokens at the audio rate', async () => {
    const audio = Buffer.alloc(3 * 1024 * 1024, 0x5a);
    const r = await t.client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await toFile(audio, 'talk.mp3', { type: 'audio/mpeg' }), language: 'en' });
    expect(r.text).toBe('Hello from the fake transcriber.');
    const sent = lastSent();
    expect((sent.fields.file as { bytes: Buffer }).bytes.equals(audio)).toBe(true);
    expect(sent.fields).toMatchObject({ model: 'gpt-4o-transcribe', language: 'en' });
    const want = priceCall('gpt-4o-transcribe', { inputTokens: 120, outputTokens: 30, inputAudioTokens: 100 }, 'openai');
    const row = lastRow();
    expect(row).toMatchObject({ status: 200, endpoint: 'audio.transcriptions', input_tokens: 120, output_tokens: 30, priced: 1 });
    expect(row.cost_usd).toBeCloseTo(want.totalUsd, 9);
  });

  it('takes a 24 MB audio file, past the 20 MB JSON body limit, and still refuses a body past the route limit', async () => {
    const audio = Buffer.alloc(24 * 1024 * 1024, 0x33);
    audio[audio.length - 1] = 0x01;
    const r = await t.client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await toFile(audio, 'long.mp3', { type: 'audio/mpeg' }) });
    expect(r.text).toBe('Hello from the fake transcriber.');
    expect((lastSent().fields.file as { bytes: Buffer }).bytes.equals(audio)).toBe(true);
    const sent = t.up.requests.length;
    const tooBig = t.client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await toFile(Buffer.alloc(40 * 1024 * 1024, 1), 'huge.mp3') });
    await expect(tooBig).rejects.toMatchObject({ status: 413, message: expect.stringContaining(`limit of ${32 * 1024 * 1024} bytes`) });
    expect(t.up.requests.length).toBe(sent);
  });

  it('bills whisper-1 by the seconds of audio it reports', async () => {
    await t.client.audio.translations.create({ model: 'whisper-1', file: await toFile(Buffer.alloc(1000, 1), 'a.wav', { type: 'audio/wav' }) });
    const want = priceCall('whisper-1', { inputTokens: 0, outputTokens: 0, audioSeconds: 60 }, 'openai');
    expect(want.priced).toBe(true);
    expect(want.totalUsd).toBeGreaterThan(0);
    const row = lastRow();
    expect(row).toMatchObject({ status: 200, endpoint: 'audio.translations', priced: 1 });
    expect(row.cost_usd).toBeCloseTo(want.totalUsd, 9);
  });

  it('relays a text transcript as text, repeated fields kept', async () => {
    const r = await t.client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.alloc(1000, 1), 'a.wav'), response_format: 'text', timestamp_granularities: ['word', 'segment'] });
    expect(r).toBe('Hello from the fake transcriber.\n');
    expect(lastSent().fields['timestamp_granularities[]']).toEqual(['word', 'segment']);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.transcriptions', priced: 0 });
  });

  it('streams a transcription and bills the usage of transcript.text.done', async () => {
    const stream = await t.client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await toFile(Buffer.alloc(1000, 1), 'a.wav'), stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    expect(lastSent().fields.stream).toBe('true');
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.transcriptions', stream: 1, input_tokens: 120, output_tokens: 30, priced: 1 });
  });

  it('refuses a multipart body that is not multipart with a provider-shaped 400, not a JSON parse error', async () => {
    const r = await fetch(`${t.h.openaiBaseUrl}/audio/transcriptions`, { method: 'POST', headers: { authorization: 'Bearer sk-proj-media', 'content-type': 'multipart/form-data; boundary=x' }, body: 'garbage' });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/multipart/);
  });
});

describe('the AI SDK', () => {
  it('transcribes, speaks and draws through the proxy, each call billed', async () => {
    const openai = createOpenAI({ baseURL: t.h.openaiBaseUrl, apiKey: 'sk-proj-media' });
    const heard = await transcribe({ model: openai.transcription('gpt-4o-transcribe'), audio: new Uint8Array(Buffer.alloc(5000, 3)) });
    expect(heard.text).toBe('Hello from the fake transcriber.');
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.transcriptions', input_tokens: 120, priced: 1 });
    const spoken = await generateSpeech({ model: openai.speech('tts-1'), text: 'Hi.', voice: 'alloy' });
    expect(Buffer.from(spoken.audio.uint8Array).equals(t.up.speech)).toBe(true);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'audio.speech' });
    const drawn = await generateImage({ model: openai.image('gpt-image-1'), prompt: 'a cat' });
    expect(drawn.image.base64).toBe(IMAGE_B64);
    expect(lastRow()).toMatchObject({ status: 200, endpoint: 'images.generations', output_tokens: 4160, priced: 1 });
  });
});

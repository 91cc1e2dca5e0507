/**
 * Chat Completions audio output (`modalities: ["text", "audio"]`): the answer's `message.audio`
 * holds an id, the base64 audio, its transcript and `expires_at`, after which the id (sent back to
 * refer to the audio in a follow-up turn) is gone from the provider. A stream spells the audio out
 * in `delta.audio` pieces. A streamed answer is cached with its audio, a hit replays it whole in
 * either framing, and the entry expires no later than the audio does.
 */
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './openaiUpstream';

const expiresAt = Math.floor(Date.now() / 1000) + 3_600;
const audio = { id: 'audio_6790b1f1a0c08190b7', data: 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAwF0AAIC7AAACABAAZGF0YQAAAAA=', expires_at: expiresAt, transcript: 'Hello! How can I help you today?' };
const completion = (id: string): Json => ({
  id,
  object: 'chat.completion',
  created: 1_764_600_000,
  model: 'gpt-4o-audio-preview-2025-06-03',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, annotations: [], audio }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 17, completion_tokens: 86, total_tokens: 103, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 74, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
  service_tier: 'default',
  system_fingerprint: 'fp_a2f8bcf1c5',
});
const scenarios: Record<string, Scenario> = { streamed: { body: completion('chatcmpl-streamed') }, whole: { body: completion('chatcmpl-whole') } };
const t = proxyOverUpstream(scenarios, 'sk-proj-audio', { cache: { semantic: { enabled: false } } });

const params = (word: string) => ({
  model: 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'] as ('text' | 'audio')[],
  audio: { voice: 'alloy' as const, format: 'wav' as const },
  messages: [{ role: 'user' as const, content: `${word} ${process.pid}` }],
});

/** The audio a streaming client puts together from its chunks, as apps do (transcript and data appended). */
async function streamedAudio(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<Json> {
  const out: Json = {};
  for await (const chunk of stream) {
    const a = (chunk.choices[0]?.delta as { audio?: Json } | undefined)?.audio;
    for (const [k, v] of Object.entries(a ?? {})) out[k] = k === 'transcript' || k === 'data' ? String(out[k] ?? '') + String(v) : v;
  }
  return out;
}

const upstreamCalls = (word: string): number => t.up.requests.filter((r) => JSON.stringify(r.body.messages).includes(`${word} ${process.pid}`)).length;

describe('audio answers and the cache', () => {
  it('a streamed audio answer is cached and replayed with its audio', async () => {
    expect(await streamedAudio(await t.client.chat.completions.create({ ...params('streamed'), stream: true }))).toEqual(audio);
    expect(await streamedAudio(await t.client.chat.completions.create({ ...params('streamed'), stream: true }))).toEqual(audio);
    const json = await t.client.chat.completions.create(params('streamed'));
    expect(json.choices[0]?.message.audio).toEqual(audio);
    expect(upstreamCalls('streamed')).toBe(1);
  });

  it('a JSON audio answer replayed to a streaming client keeps its audio', async () => {
    await t.client.chat.completions.create(params('whole'));
    expect(await streamedAudio(await t.client.chat.completions.create({ ...params('whole'), stream: true }))).toEqual(audio);
    expect(upstreamCalls('whole')).toBe(1);
  });

  it('the entry expires with the audio, not after the cache TTL', () => {
    const rows = t.h.proxy.services.db.prepare("SELECT expires_at FROM cache_entries WHERE endpoint = 'chat.completions'").all() as { expires_at: number }[];
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r.expires_at).toBe(expiresAt * 1000);
  });
});

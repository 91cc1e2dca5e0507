/**
 * Chat Completions search models (`web_search_options`) answer with `url_citation` annotations on
 * the message; a stream sends them in `delta.annotations`. A streamed answer is cached with its
 * citations, and a hit replays them in either framing.
 */
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './openaiUpstream';

const text = 'Paris is sunny today, 24 °C (Météo-France).';
const annotations = [
  { type: 'url_citation', url_citation: { start_index: 0, end_index: 31, title: 'Paris forecast', url: 'https://meteofrance.com/paris?utm_source=openai' } },
  { type: 'url_citation', url_citation: { start_index: 32, end_index: 45, title: 'Météo-France', url: 'https://meteofrance.com/?utm_source=openai' } },
];
const completion = (id: string): Json => ({
  id,
  object: 'chat.completion',
  created: 1_764_600_000,
  model: 'gpt-4o-search-preview-2025-03-11',
  choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 21, total_tokens: 30, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
  service_tier: 'default',
  system_fingerprint: '',
});
const scenarios: Record<string, Scenario> = { streamed: { body: completion('chatcmpl-s') }, whole: { body: completion('chatcmpl-w') } };
const t = proxyOverUpstream(scenarios, 'sk-proj-search-chat', { cache: { semantic: { enabled: false } } });

const params = (word: string) => ({ model: 'gpt-4o-search-preview', web_search_options: { search_context_size: 'low' as const }, messages: [{ role: 'user' as const, content: `${word} ${process.pid}` }] });

async function streamed(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; annotations: unknown[] }> {
  let out = '';
  const found: unknown[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as { content?: string; annotations?: unknown[] } | undefined;
    out += delta?.content ?? '';
    found.push(...(delta?.annotations ?? []));
  }
  return { text: out, annotations: found };
}

const upstreamCalls = (word: string): number => t.up.requests.filter((r) => JSON.stringify(r.body.messages).includes(`${word} ${process.pid}`)).length;

describe('search citations and the cache', () => {
  it('a streamed answer keeps its citations in the cache', async () => {
    expect(await streamed(await t.client.chat.completions.create({ ...params('streamed'), stream: true }))).toEqual({ text, annotations });
    expect(await streamed(await t.client.chat.completions.create({ ...params('streamed'), stream: true }))).toEqual({ text, annotations });
    const json = await t.client.chat.completions.create(params('streamed'));
    expect(json.choices[0]?.message.annotations).toEqual(annotations);
    expect(upstreamCalls('streamed')).toBe(1);
  });

  it('a JSON answer replayed as a stream keeps its citations', async () => {
    await t.client.chat.completions.create(params('whole'));
    expect(await streamed(await t.client.chat.completions.create({ ...params('whole'), stream: true }))).toEqual({ text, annotations });
    expect(upstreamCalls('whole')).toBe(1);
  });
});

/**
 * OpenAI-compatible providers add their own fields to Chat Completions: DeepSeek's and OpenRouter's
 * reasoning, Perplexity's citations and search results, Azure's content-filter results, llama.cpp's
 * timings. Through the real proxy and the real openai SDK, a cached answer (streamed or JSON, in
 * either order) must carry them as the first answer did: the reasoning a client shows, the sources
 * it cites.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, type Json, startCompatibleUpstream } from './compatibleUpstream';
import { azure, deepseek, llamacpp, openrouter, perplexity } from './flavours';

const FLAVOURS: Record<string, { flavour: Flavour; model: string }> = {
  deepseek: { flavour: deepseek, model: 'deepseek-reasoner' },
  openrouter: { flavour: openrouter, model: 'deepseek/deepseek-r1' },
  perplexity: { flavour: perplexity, model: 'sonar' },
  azure: { flavour: azure, model: 'gpt-4o-mini' },
  llamacpp: { flavour: llamacpp, model: 'qwen2.5-7b-instruct' },
};

/** What a client reads off a stream: each delta field joined (text) or kept (last value), and the chunk and choice fields. */
interface View {
  delta: Json;
  chunk: Json;
  choice: Json;
}

const KNOWN_CHUNK = new Set(['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier', 'choices', 'usage', 'obfuscation']);
const KNOWN_CHOICE = new Set(['index', 'delta', 'message', 'finish_reason', 'logprobs']);

async function streamView(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<View> {
  const view: View = { delta: {}, chunk: {}, choice: {} };
  for await (const c of stream) {
    for (const [k, v] of Object.entries(c as unknown as Json)) if (!KNOWN_CHUNK.has(k) && v != null) view.chunk[k] = v;
    for (const ch of c.choices) {
      for (const [k, v] of Object.entries(ch as unknown as Json)) if (!KNOWN_CHOICE.has(k) && v != null) view.choice[k] = v;
      for (const [k, v] of Object.entries(ch.delta as Json)) {
        if (k === 'role' || v == null) continue;
        if (typeof v === 'string') view.delta[k] = String(view.delta[k] ?? '') + v;
        else if (k === 'reasoning_details' && Array.isArray(v)) view.delta[k] = mergeDetails((view.delta[k] as Json[] | undefined) ?? [], v as Json[]);
        else if (Array.isArray(v)) view.delta[k] = [...((view.delta[k] as unknown[]) ?? []), ...v];
        else view.delta[k] = v;
      }
    }
  }
  for (const [k, v] of Object.entries(view.delta)) if (v === '') delete view.delta[k];
  return view;
}

/**
 * OpenRouter's `reasoning_details` fragments as a client joins them: the pieces of one entry (same
 * `index` and `type`) into it, its text concatenated (openrouter.ai/docs, Reasoning Tokens).
 */
function mergeDetails(entries: Json[], fragments: Json[]): Json[] {
  const out = entries.map((e) => ({ ...e }));
  for (const f of fragments) {
    const entry = out.find((e) => e.index === f.index && e.type === f.type);
    if (!entry) out.push({ ...f });
    else for (const [k, v] of Object.entries(f)) if (v != null) entry[k] = typeof v === 'string' && ['text', 'summary', 'data'].includes(k) ? String(entry[k] ?? '') + v : v;
  }
  return out;
}

/** The same view of a JSON answer: the message's fields, the body's and the choice's. */
function jsonView(body: OpenAI.Chat.Completions.ChatCompletion): View {
  const choice = body.choices[0] as unknown as Json;
  const message = Object.fromEntries(Object.entries(choice.message as Json).filter(([k, v]) => k !== 'role' && v != null && v !== ''));
  return {
    delta: message,
    chunk: Object.fromEntries(Object.entries(body as unknown as Json).filter(([k, v]) => !KNOWN_CHUNK.has(k) && v != null)),
    choice: Object.fromEntries(Object.entries(choice).filter(([k, v]) => !KNOWN_CHOICE.has(k) && v != null)),
  };
}

describe('provider fields survive the cache (real proxy, openai SDK, each provider\'s wire format)', () => {
  const upstreams: Record<string, CompatibleUpstream> = {};
  let h: Harness;

  beforeAll(async () => {
    for (const name of Object.keys(FLAVOURS)) upstreams[name] = await startCompatibleUpstream(FLAVOURS[name]!.flavour);
    h = await startHarness({
      retries: { attempts: 0 },
      cache: { semantic: { enabled: false } },
      providers: Object.fromEntries(Object.keys(FLAVOURS).map((name) => [name, { kind: 'openai' as const, baseUrl: upstreams[name]!.baseUrl }])),
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    for (const u of Object.values(upstreams)) await u.close();
  });

  const client = (name: string) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: `sk-${name}`, maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': name } });
  const ask = (name: string, prompt: string) => ({ model: FLAVOURS[name]!.model, messages: [{ role: 'user' as const, content: `${prompt} ${process.pid}` }] });

  for (const name of Object.keys(FLAVOURS)) {
    it(`${name}: a streamed answer replayed from the cache, streamed or as JSON, has the provider's fields`, async () => {
      const c = client(name);
      const first = await c.chat.completions.create({ ...ask(name, 'stream first'), stream: true }).withResponse();
      const live = await streamView(first.data);
      expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
      const asJson = jsonView(FLAVOURS[name]!.flavour.json({ model: FLAVOURS[name]!.model }, 0) as unknown as OpenAI.Chat.Completions.ChatCompletion);
      // The live stream spells what the provider's JSON answer has (the fake is faithful).
      expect(live.delta).toEqual(asJson.delta);
      expect(Object.keys(live.delta).length).toBeGreaterThan(0);

      const again = await c.chat.completions.create({ ...ask(name, 'stream first'), stream: true }).withResponse();
      const replayed = await streamView(again.data);
      expect(again.response.headers.get('x-tollgate-cache')).toBe('exact');
      expect(replayed).toEqual(live);

      const whole = await c.chat.completions.create(ask(name, 'stream first')).withResponse();
      expect(whole.response.headers.get('x-tollgate-cache')).toBe('exact');
      expect(jsonView(whole.data)).toEqual(live);
      expect(upstreams[name]!.calls()).toBe(1);
    });

    it(`${name}: a JSON answer replayed from the cache as a stream has the provider's fields`, async () => {
      const c = client(name);
      const before = upstreams[name]!.calls();
      const first = await c.chat.completions.create(ask(name, 'json first')).withResponse();
      expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
      const streamed = await c.chat.completions.create({ ...ask(name, 'json first'), stream: true }).withResponse();
      expect(streamed.response.headers.get('x-tollgate-cache')).toBe('exact');
      expect(await streamView(streamed.data)).toEqual(jsonView(first.data));
      expect(upstreams[name]!.calls()).toBe(before + 1);
    });
  }
});

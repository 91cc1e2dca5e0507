/**
 * The official SDK clients, unchanged but for their base URL, against the proxy in front of the
 * fake provider: each streaming and not, first call a miss, the repeat an exact hit with
 * identical content and no upstream call.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-matrix-openai', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-matrix', maxRetries: 0 });
});
afterAll(async () => h.close());

/** Runs `fn` twice; asserts the second is served from the cache with the same result. */
async function missThenHit<T>(fn: () => Promise<T>): Promise<[T, T]> {
  const before = h.upstream.calls();
  const a = await fn();
  expect(h.upstream.calls()).toBe(before + 1);
  const b = await fn();
  expect(h.upstream.calls()).toBe(before + 1);
  expect(b).toEqual(a);
  const [last, prev] = h.proxy.services.ledger.page({}, 2).calls;
  expect(last?.cache).toBe('exact');
  expect(prev?.cache).toBe('miss');
  expect(last?.savedUsd).toBeCloseTo(prev?.costUsd ?? -1, 10);
  return [a, b];
}

describe('anthropic SDK models', () => {
  // GET /v1/models is both APIs' path: an Anthropic client must reach the Anthropic provider with
  // its key as x-api-key, never the OpenAI upstream with the key as a Bearer token.
  it('list and retrieve reach the Anthropic provider in its own shape', async () => {
    const page = await anthropic.models.list();
    expect(page.data.map((m) => m.id)).toContain('claude-sonnet-4-5-20250929');
    expect((await anthropic.models.retrieve('claude-haiku-4-5-20251001')).display_name).toBe('claude-haiku-4-5-20251001');
    await expect(anthropic.models.retrieve('claude-nonexistent')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const sent = h.upstream.requests.filter((r) => r.path.startsWith('/v1/models')).slice(-3);
    for (const r of sent) {
      expect(r.headers['x-api-key']).toBe('sk-ant-matrix');
      expect(r.headers.authorization).toBeUndefined();
    }
  });
});

describe('openai SDK', () => {
  it('responses API, JSON', async () => {
    const [a] = await missThenHit(async () => (await openai.responses.create({ model: 'gpt-4o-mini', input: 'Explain TCP in one line' })).output_text);
    expect(a).toContain('Explain TCP');
  });

  it('responses API, streaming', async () => {
    const [a] = await missThenHit(async () => {
      const stream = await openai.responses.create({ model: 'gpt-4o-mini', input: 'Stream about UDP', stream: true });
      let text = '';
      let completed = false;
      for await (const ev of stream) {
        if (ev.type === 'response.output_text.delta') text += ev.delta;
        if (ev.type === 'response.completed') completed = true;
      }
      expect(completed).toBe(true);
      return text;
    });
    expect(a).toContain('Stream about UDP');
  });

  it('legacy completions, JSON and streaming', async () => {
    await missThenHit(async () => (await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi', max_tokens: 5 })).choices[0]?.text);
    await missThenHit(async () => {
      const s = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi streaming', max_tokens: 5, stream: true });
      let t = '';
      for await (const c of s) t += c.choices[0]?.text ?? '';
      return t;
    });
  });

  it('embeddings', async () => {
    const [a] = await missThenHit(async () => (await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'] })).data.map((d) => d.embedding));
    expect(a).toHaveLength(2);
  });

  it('models list and retrieve pass through with the OpenAI key', async () => {
    const list = await openai.models.list();
    expect(list.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect((await openai.models.retrieve('gpt-4o')).id).toBe('gpt-4o');
    const sent = h.upstream.requests.filter((r) => r.path.startsWith('/v1/models')).slice(-2);
    expect(sent.map((r) => [r.path, r.headers.authorization, r.headers['x-api-key']])).toEqual([
      ['/v1/models', 'Bearer sk-matrix-openai', undefined],
      ['/v1/models/gpt-4o', 'Bearer sk-matrix-openai', undefined],
    ]);
  });

  it('stream with include_usage asked by the client keeps the usage chunk, also on replay', async () => {
    const run = async () => {
      const s = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'usage please' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: unknown;
      let text = '';
      for await (const c of s) {
        text += c.choices[0]?.delta?.content ?? '';
        if (c.usage) usage = c.usage;
      }
      return { text, usage };
    };
    const [a] = await missThenHit(run);
    expect((a.usage as { completion_tokens: number }).completion_tokens).toBeGreaterThan(0);
  });
});

describe('@anthropic-ai/sdk', () => {
  it('messages, JSON', async () => {
    const [a] = await missThenHit(async () => {
      const m = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Hello Claude' }] });
      return m.content;
    });
    expect(JSON.stringify(a)).toContain('Hello Claude');
  });

  it('messages, streaming (events) with a final message', async () => {
    const [a] = await missThenHit(async () => {
      const stream = anthropic.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please Claude' }] });
      const final = await stream.finalMessage();
      return { content: final.content, usage: final.usage.output_tokens };
    });
    expect(JSON.stringify(a.content)).toContain('Stream please Claude');
    expect(a.usage).toBeGreaterThan(0);
  });

  it('count_tokens passes through and is not billed', async () => {
    const r = await anthropic.messages.countTokens({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'count these words please' }] });
    expect(r.input_tokens).toBeGreaterThan(0);
    const [row] = h.proxy.services.ledger.page({}, 1).calls;
    expect(row?.endpoint).toBe('messages.count_tokens');
    expect(row?.costUsd).toBe(0);
  });

  it('prompt-cache reads are priced at the cache-read rate', async () => {
    await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: 'cached prefix question [[fake:cached=3]]' }] });
    const [row] = h.proxy.services.ledger.page({}, 1).calls;
    expect(row?.cachedTokens).toBe(3);
    expect(row?.inputTokens).toBeGreaterThan(3);
  });
});

describe('Vercel AI SDK (@ai-sdk/openai)', () => {
  const provider = () => createOpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-matrix-ai' });

  it('generateText (chat), miss then hit', async () => {
    const [a] = await missThenHit(async () => (await generateText({ model: provider().chat('gpt-4o-mini'), prompt: 'ai sdk says hi', maxRetries: 0 })).text);
    expect(a).toContain('ai sdk says hi');
  });

  it('streamText (chat), miss then hit', async () => {
    const [a] = await missThenHit(async () => {
      const r = streamText({ model: provider().chat('gpt-4o-mini'), prompt: 'ai sdk streams', maxRetries: 0 });
      let t = '';
      for await (const d of r.textStream) t += d;
      return t;
    });
    expect(a).toContain('ai sdk streams');
  });

  it('generateText via the Responses API model, miss then hit', async () => {
    const [a] = await missThenHit(async () => (await generateText({ model: provider().responses('gpt-4o-mini'), prompt: 'responses via ai sdk', maxRetries: 0 })).text);
    expect(a).toContain('responses via ai sdk');
  });
});

describe('LangChain (@langchain/openai)', () => {
  const model = (streaming: boolean) =>
    new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-matrix-lc', configuration: { baseURL: h.openaiBaseUrl }, maxRetries: 0, streaming, maxTokens: 100 });

  it('invoke, miss then hit', async () => {
    const [a] = await missThenHit(async () => String((await model(false).invoke('langchain hello')).content));
    expect(a).toContain('langchain hello');
  });

  it('stream, miss then hit', async () => {
    const [a] = await missThenHit(async () => {
      let t = '';
      for await (const chunk of await model(true).stream('langchain streams')) t += String(chunk.content);
      return t;
    });
    expect(a).toContain('langchain streams');
  });
});

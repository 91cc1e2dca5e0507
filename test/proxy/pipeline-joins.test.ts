/**
 * Bugs that lived where the pipeline's parts meet: stream timing, the store decision, the shared
 * rule matcher, the cache entry committed before the last byte, and honest cost on failures.
 * Each test here failed on the code before the pipeline got one `finishAttempt`.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { semanticThreshold } from '../../proxy/src/pipeline/semanticCacheStage';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let retrying: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness({});
  retrying = await startHarness({ retries: { attempts: 2, backoffMs: 1, maxBackoffMs: 5 } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-joins-1', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-joins-1', maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
  await retrying.close();
});

interface Row {
  status: number;
  cache: string;
  latency_ms: number;
  overhead_ms: number;
  output_tokens: number;
  tokens_estimated: number;
  cost_usd: number;
  attempt: number;
}
const rows = (hh: Harness, id: string | null): Row[] => hh.proxy.services.db.prepare('SELECT * FROM calls WHERE request_id = ? ORDER BY attempt').all(id) as Row[];
const entries = (needle: string): number =>
  (h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM cache_entries WHERE instr(prompt, ?) > 0').get(needle) as { n: number }).n;

/** Failed calls are recorded after a local token estimate (the tokenizer may still be loading). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 800 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('a streamed call', () => {
  it('records the generation time as upstream time, not proxy overhead, and commits its cache entry before the last byte', async () => {
    // 100 ms between frames: the upstream spends most of a second generating, and it closes the
    // response 100 ms after the terminal frame.
    const prompt = `slow stream joins ${Date.now()} [[fake:gap=100]] [[fake:words=6]]`;
    const res = await request(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-joins-1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] }),
    });
    const id = res.headers['x-tollgate-request-id'] as string;
    let text = '';
    let entriesAtDone = -1;
    for await (const chunk of res.body) {
      text += chunk.toString();
      if (entriesAtDone < 0 && text.includes('data: [DONE]')) entriesAtDone = entries(prompt.slice(0, 30));
    }
    // The client had the whole answer: an identical request must find it.
    expect(entriesAtDone).toBe(1);
    await until(() => rows(h, id).length === 1);
    const [row] = rows(h, id);
    expect(row!.status).toBe(200);
    // Overhead is the proxy's own share; the rest of the latency is upstream time, which includes at
    // least the fake's five 100 ms gaps between frames (timers never fire early, so this holds on any
    // machine; a call that counted the generation as overhead leaves ~0 here).
    expect(row!.latency_ms - row!.overhead_ms).toBeGreaterThanOrEqual(500);
  });
});

describe('x-tollgate-cache: no-cache', () => {
  it('skips the lookup but still stores the fresh answer (docs/proxy.md)', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `no-cache stores ${Date.now()}` }] };
    const first = await openai.chat.completions.create(body, { headers: { 'x-tollgate-cache': 'no-cache' } }).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('bypass');
    const second = await openai.chat.completions.create(body).withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
  });
});

describe('semantic threshold from routing rules', () => {
  function ctxWith(headers: Record<string, string>, rules: unknown[]): CallContext {
    const policy = PolicySchema.parse({ routing: { rules } });
    return { req: { headers }, services: { policy: { policy } }, tags: {}, modelRequested: 'gpt-4o-mini', body: {} } as unknown as CallContext;
  }
  const rules = [{ name: 'strict-for-legal', match: { header: { 'x-team': 'legal' } }, semanticThreshold: 0.99 }];

  it('applies a rule only to requests its match fits (headers included)', async () => {
    expect(await semanticThreshold(ctxWith({}, rules), 0.9)).toBe(0.9);
    expect(await semanticThreshold(ctxWith({ 'x-team': 'legal' }, rules), 0.9)).toBe(0.99);
    expect(await semanticThreshold(ctxWith({ 'x-team': 'sales' }, rules), 0.9)).toBe(0.9);
  });
});

describe('honest cost on failures', () => {
  it('an Anthropic stream reset mid-way records the output it delivered (estimated), not 0', async () => {
    const prompt = `anthropic joins cut ${Date.now()} [[fake:reset-mid-stream]] [[fake:words=60]]`;
    const { data, response } = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 200, stream: true, messages: [{ role: 'user', content: prompt }] }).withResponse();
    const id = response.headers.get('x-tollgate-request-id');
    let delivered = '';
    await (async () => {
      for await (const ev of data) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') delivered += ev.delta.text;
    })().catch(() => undefined);
    expect(delivered.length).toBeGreaterThan(0);
    await until(() => rows(h, id).length === 1);
    const [row] = rows(h, id);
    expect(row!.status).toBe(502);
    expect(row!.output_tokens).toBeGreaterThan(0);
    expect(row!.tokens_estimated).toBe(1);
  });

  it('a 200 with a truncated body is not retried (the provider may bill it) and is recorded at an estimated cost', async () => {
    const client = new OpenAI({ baseURL: retrying.openaiBaseUrl, apiKey: 'sk-joins-2', maxRetries: 0 });
    const before = retrying.upstream.calls();
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `half a body ${Date.now()} [[fake:truncated]] [[fake:words=30]]` }] })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(retrying.upstream.calls() - before).toBe(1);
    const id = (err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-tollgate-request-id') ?? null;
    await until(() => rows(retrying, id).length > 0);
    const r = rows(retrying, id);
    expect(r).toHaveLength(1);
    expect(r[0]!.cost_usd).toBeGreaterThan(0);
  });

  it('budgets[].unpriced: block refuses a model genai-prices cannot price; the default lets it through', async () => {
    const strict = await startHarness({ budgets: [{ name: 'usd-cap', period: 'day', usd: 5, unpriced: 'block' }] });
    const lax = await startHarness({ budgets: [{ name: 'usd-cap', period: 'day', usd: 5 }] });
    try {
      const ask = (hh: Harness) =>
        new OpenAI({ baseURL: hh.openaiBaseUrl, apiKey: 'sk-joins-3', maxRetries: 0 }).chat.completions
          .create({ model: 'my-local-finetune-7b', messages: [{ role: 'user', content: 'unpriced model' }] })
          .then(() => 200, (e: { status?: number }) => e.status);
      expect(await ask(strict)).toBe(429);
      expect(strict.upstream.calls()).toBe(0);
      expect(await ask(lax)).toBe(200);
    } finally {
      await strict.close();
      await lax.close();
    }
  });
});

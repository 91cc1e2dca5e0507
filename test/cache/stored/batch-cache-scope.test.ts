/**
 * The batch path's cache through the proxy with the official Anthropic SDK (the provider's Message
 * Batches API is the fake): a batch line is keyed like the same real-time call — the headers that
 * change the answer (`anthropic-beta`, `anthropic-version`, …) are part of its key, so a batch
 * sent with a beta is never answered by a plain call's entry and its results never answer plain
 * calls; a line that continues provider-side state (a container named by id) is never answered
 * from or stored in the cache; a `no-store` submission stores none of its results.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-scope', maxRetries: 0 });
}, 60_000);
afterAll(async () => h?.close());

const MODEL = 'claude-haiku-4-5-20251001';
const BETA = { 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
const params = (text: string, extra: Record<string, unknown> = {}) => ({ model: MODEL, max_tokens: 64, messages: [{ role: 'user' as const, content: text }], ...extra });

async function live(text: string, headers: Record<string, string> = {}) {
  const { data, response } = await client.messages.create(params(text), { headers }).withResponse();
  return { text: data.content[0]?.type === 'text' ? data.content[0].text : '', cache: response.headers.get('x-tollgate-cache') };
}

/** Submits one batch, finishes it at the provider and reads its results (which records and stores them); returns how many lines the cache answered. */
async function runBatch(lines: Array<Record<string, unknown>>, headers: Record<string, string> = {}): Promise<number> {
  const requests = lines.map((p, i) => ({ custom_id: `line-${i}`, params: p as unknown as Anthropic.Messages.MessageCreateParamsNonStreaming }));
  const { data: batch, response } = await client.messages.batches.create({ requests }, { headers }).withResponse();
  const cached = Number(response.headers.get('x-tollgate-batch-cached'));
  if (h.upstream.batch.batches.has(batch.id)) h.upstream.batch.complete(batch.id);
  await client.messages.batches.retrieve(batch.id, { headers });
  for await (const r of await client.messages.batches.results(batch.id, { headers })) expect(r.result.type).toBe('succeeded');
  return cached;
}

describe('batch lines are keyed with the answer-changing headers', () => {
  it('a batch sent with anthropic-beta is not answered by the entry of the same call without it', async () => {
    expect((await live('Explain photosynthesis briefly')).cache).toBe('miss');
    expect(await runBatch([params('Explain photosynthesis briefly')], BETA)).toBe(0);
    // Its result is stored under the beta key: a plain call still gets its own entry.
    expect((await live('Explain photosynthesis briefly')).cache).toBe('exact');
  });

  it("a beta batch's results answer the same call with that beta, and never a call without it", async () => {
    expect(await runBatch([params('Describe the water cycle')], BETA)).toBe(0);
    expect((await live('Describe the water cycle', BETA)).cache).toBe('exact');
    expect((await live('Describe the water cycle')).cache).toBe('miss');
    // And a batch with the beta again is answered by the cache.
    expect(await runBatch([params('Describe the water cycle')], BETA)).toBe(1);
  });
});

describe('lines the cache must not answer or keep', () => {
  it('a line that reuses a container (provider-side state) is sent every time', async () => {
    const line = params('List the files in the working directory', { container: 'cntr_batch_scope_1' });
    expect(await runBatch([line])).toBe(0);
    expect(await runBatch([line])).toBe(0);
  });

  it('x-tollgate-cache: no-store on the submission stores none of its results', async () => {
    expect(await runBatch([params('Name three moons of Jupiter')], { 'x-tollgate-cache': 'no-store' })).toBe(0);
    expect((await live('Name three moons of Jupiter')).cache).toBe('miss');
  });
});

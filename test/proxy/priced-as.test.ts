/**
 * A snapshot newer than any the price list has is priced as its family (`gpt-4o-2026-11-20` at
 * gpt-4o's rates): a figure borrowed, not the snapshot's own. The response says so beside the
 * cost, `x-tollgate-priced-as`, in the headers of a JSON answer and the trailers of a stream; a
 * model the list prices itself gets no such header.
 */
import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { startHarness, type Harness } from '../support/harness';

const NEWER = 'gpt-4o-2026-11-20';
let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness({ retries: { attempts: 0 } });
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-priced-as', maxRetries: 0 });
}, 60_000);
afterAll(async () => h?.close());

/** A streamed call read with node:http, which exposes the trailers the SDKs do not. */
function streamTrailers(model: string): Promise<NodeJS.Dict<string>> {
  const url = new URL(`${h.openaiBaseUrl}/chat/completions`);
  const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: `stream priced ${model}` }] });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-priced-as' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.trailers));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('x-tollgate-priced-as', () => {
  it('a JSON answer from a snapshot newer than the price list names the family it was priced as', async () => {
    const { data, response } = await client.chat.completions.create({ model: NEWER, messages: [{ role: 'user', content: 'price a new snapshot' }] }).withResponse();
    expect(data.model).toBe(NEWER);
    expect(response.headers.get('x-tollgate-priced-as')).toBe('gpt-4o');
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(priceCall('gpt-4o', { inputTokens: row.inputTokens, outputTokens: row.outputTokens }, 'openai').totalUsd, 8);
  });

  it('a model the list prices itself has no such header', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini-2024-07-18', messages: [{ role: 'user', content: 'price a listed snapshot' }] }).withResponse();
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeGreaterThan(0);
    expect(response.headers.has('x-tollgate-priced-as')).toBe(false);
  });

  it('a stream carries it as a trailer, beside the cost', async () => {
    const newer = await streamTrailers(NEWER);
    expect(Number(newer['x-tollgate-cost-usd'])).toBeGreaterThan(0);
    expect(newer['x-tollgate-priced-as']).toBe('gpt-4o');
    const listed = await streamTrailers('gpt-4o-mini-2024-07-18');
    expect(Number(listed['x-tollgate-cost-usd'])).toBeGreaterThan(0);
    expect(listed).not.toHaveProperty('x-tollgate-priced-as');
  });
});

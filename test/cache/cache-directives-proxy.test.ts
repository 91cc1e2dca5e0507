/**
 * Through the real proxy with the official OpenAI SDK (only the provider is the fake): the standard
 * request directives (`Cache-Control: no-cache | no-store`, `Pragma: no-cache`) are honoured like
 * Tollgate's own header, and a misspelt `x-tollgate-cache` is a provider-style 400 that neither
 * serves a stored answer nor reaches the upstream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({});
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-directives', maxRetries: 0 });
}, 60_000);
afterAll(async () => h.close());

async function chat(content: string, headers: Record<string, string> = {}) {
  const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers }).withResponse();
  return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache') };
}

describe('cache directives on a request', () => {
  it('Cache-Control: no-store answers fresh and keeps nothing', async () => {
    const first = await chat('Name a river', { 'cache-control': 'no-store' });
    expect(first.cache).toBe('miss');
    const again = await chat('Name a river');
    expect(again.cache).toBe('miss');
    expect(again.text).not.toBe(first.text);
    expect(await chat('Name a river')).toEqual({ text: again.text, cache: 'exact' });
  });

  it('Cache-Control: no-cache and Pragma: no-cache skip the lookup and store the fresh answer', async () => {
    const stored = await chat('Name a mountain');
    const fresh = await chat('Name a mountain', { 'cache-control': 'no-cache' });
    expect(fresh.cache).toBe('bypass');
    expect(fresh.text).not.toBe(stored.text);
    const pragma = await chat('Name a mountain', { pragma: 'no-cache' });
    expect(pragma.cache).toBe('bypass');
    expect(pragma.text).not.toBe(fresh.text);
    expect(await chat('Name a mountain')).toEqual({ text: pragma.text, cache: 'exact' });
  });

  it('a misspelt x-tollgate-cache is a 400 naming it, and nothing reaches the upstream', async () => {
    await chat('Name a lake');
    const before = h.upstream.calls();
    const err = await chat('Name a lake', { 'x-tollgate-cache': 'nocache' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/x-tollgate-cache: unknown directive "nocache"/);
    expect(h.upstream.calls()).toBe(before);
  });
});

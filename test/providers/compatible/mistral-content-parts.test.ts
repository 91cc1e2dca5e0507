/**
 * Mistral's reasoning models stream their thinking as typed content chunks (`delta.content` a list)
 * before the answer's text. Through the real proxy and the real openai SDK: the call is billed from
 * Mistral's usage, and an identical call served from the cache, streamed or as JSON, has the same
 * thinking and text as the first (the list was dropped: the answer was cached with no content).
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { proxyOver } from '../../support/proxyOver';
import { startCompatibleUpstream } from './compatibleUpstream';
import { ANSWER, MISTRAL_USAGE, mistral, REASONING } from './flavours';

type Part = { type?: string; text?: string; thinking?: { type?: string; text?: string }[] };

/** The thinking and the text a client reads off content given as a string or as typed chunks. */
function read(content: unknown, into: { thinking: string; text: string }): void {
  if (typeof content === 'string') into.text += content;
  else if (Array.isArray(content)) {
    for (const p of content as Part[]) {
      if (p.type === 'text') into.text += p.text ?? '';
      if (p.type === 'thinking') into.thinking += (p.thinking ?? []).map((t) => t.text ?? '').join('');
    }
  }
}

describe('Mistral typed content chunks (real proxy, openai SDK)', () => {
  const t = proxyOver({
    provider: 'openai',
    startUpstream: () => startCompatibleUpstream(mistral),
    client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-mistral', maxRetries: 0 }),
    policy: { cache: { semantic: { enabled: false } } },
  });
  const ask = { model: 'magistral-medium-latest', messages: [{ role: 'user' as const, content: `9.11 or 9.8? ${process.pid}` }] };

  async function streamed(): Promise<{ thinking: string; text: string; cache: string | null }> {
    const r = await t.client.chat.completions.create({ ...ask, stream: true }).withResponse();
    const out = { thinking: '', text: '' };
    for await (const c of r.data) read(c.choices[0]?.delta.content, out);
    return { ...out, cache: r.response.headers.get('x-tollgate-cache') };
  }

  it('a streamed answer and its cached replays, streamed and JSON, have the same thinking and text', async () => {
    expect(await streamed()).toEqual({ thinking: REASONING, text: ANSWER, cache: 'miss' });
    expect(await streamed()).toEqual({ thinking: REASONING, text: ANSWER, cache: 'exact' });
    const whole = await t.client.chat.completions.create(ask).withResponse();
    expect(whole.response.headers.get('x-tollgate-cache')).toBe('exact');
    const out = { thinking: '', text: '' };
    read(whole.data.choices[0]?.message.content, out);
    expect(out).toEqual({ thinking: REASONING, text: ANSWER });
    expect(t.up.calls()).toBe(1);

    const row = t.h.proxy.services.ledger.page({}, 20).calls.find((c) => c.cache === 'miss');
    expect([row?.inputTokens, row?.outputTokens, row?.tokensEstimated]).toEqual([MISTRAL_USAGE.prompt_tokens, MISTRAL_USAGE.completion_tokens, false]);
  });
});

/**
 * Many clients at once: identical cacheable requests that arrive while the first is still at the
 * upstream wait for it and get its answer from the cache (one upstream call, each waiter's ledger
 * row an exact hit) — JSON requests only: a stream does not wait, it would get its first token only
 * once the whole answer is in. Another tenant's key, `no-cache`, and
 * a first call that stores nothing do not make anyone wait for (or share) an answer.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsFor, startRig, until, uniq, type Rig } from '../support';

const MODEL = 'gpt-4o-mini';
let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ policy: { retries: { attempts: 0 } } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const client = (key = 'sk-coalesce-a', headers: Record<string, string> = {}) => new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: key, maxRetries: 0, defaultHeaders: headers });

interface Row {
  cache: string;
  status: number;
  cost_usd: number;
}
function rowsOf(ids: Array<string | null>): Row[] {
  const q = rig.proxy.services.db.prepare('SELECT cache, status, cost_usd FROM calls WHERE request_id = ?');
  return ids.map((id) => q.get(id) as unknown as Row);
}
const upstreamCalls = (needle: string) => rig.upstream.requests.filter((r) => JSON.stringify(r.body).includes(needle)).length;

describe('identical concurrent requests', () => {
  it('20 JSON calls: one upstream call, one answer for all, 19 exact-hit rows', async () => {
    const prompt = uniq('coalesce json [[fake:slow=400]]');
    const oa = client();
    const all = await Promise.all(Array.from({ length: 20 }, () => oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse()));
    expect(upstreamCalls(prompt)).toBe(1);
    const texts = new Set(all.map((r) => r.data.choices[0]?.message.content));
    expect(texts.size).toBe(1);
    const rows = rowsOf(all.map((r) => r.response.headers.get('x-tollgate-request-id')));
    expect(rows.filter((r) => r.cache === 'miss')).toHaveLength(1);
    expect(rows.filter((r) => r.cache === 'exact')).toHaveLength(19);
    expect(rows.every((r) => r.status === 200)).toBe(true);
    expect(rows.filter((r) => r.cost_usd > 0)).toHaveLength(1);
  });

  it('JSON calls behind a stream wait for its answer; streams do not wait (their first token would wait for the whole answer)', async () => {
    const prompt = uniq('coalesce stream [[fake:words=30]] [[fake:gap=15]]');
    const oa = client();
    const streamed = async () => {
      const s = await oa.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] });
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of s) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { text, finish };
    };
    const json = async () => {
      const r = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
      return { text: r.choices[0]?.message.content ?? '', finish: r.choices[0]?.finish_reason };
    };
    const first = streamed();
    await until(() => upstreamCalls(prompt) === 1);
    const rest = await Promise.all([...Array.from({ length: 2 }, streamed), ...Array.from({ length: 4 }, json)]);
    const lead = await first;
    // The leader and the two later streams went upstream (each its own answer); the four JSON calls shared the leader's.
    expect(upstreamCalls(prompt)).toBe(3);
    expect(lead.text).toContain('coalesce stream');
    for (const r of rest.slice(0, 2)) expect(r).toEqual({ text: expect.stringContaining('coalesce stream'), finish: 'stop' });
    for (const r of rest.slice(2)) expect(r).toEqual({ text: lead.text, finish: 'stop' });
  });

  it('another tenant, or no-cache, does not wait for or share the answer', async () => {
    const prompt = uniq('coalesce tenants [[fake:slow=300]]');
    const body = { model: MODEL, messages: [{ role: 'user' as const, content: prompt }] };
    const answers = await Promise.all([
      client('sk-coalesce-a').chat.completions.create(body),
      client('sk-coalesce-b').chat.completions.create(body),
      client('sk-coalesce-a', { 'x-tollgate-cache': 'no-cache' }).chat.completions.create(body),
    ]);
    expect(upstreamCalls(prompt)).toBe(3);
    expect(new Set(answers.map((a) => a.choices[0]?.message.content)).size).toBe(3);
  });

  it('a first call that stores nothing (an upstream 500) lets the others go on their own', async () => {
    const prompt = uniq('coalesce leader fails [[fake:fail-first=1]] [[fake:slow=300]]');
    const oa = client();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] })));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
  });

  it('Anthropic: JSON calls behind a streamed message get the whole message from one upstream call', async () => {
    const prompt = uniq('coalesce claude [[fake:gap=15]]');
    const an = new Anthropic({ baseURL: rig.anthropicBaseUrl, apiKey: 'sk-ant-coalesce', maxRetries: 0 });
    const body = { model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: [{ role: 'user' as const, content: prompt }] };
    const textOf = (m: Anthropic.Message) => ({ text: m.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), stop: m.stop_reason });
    const leader = an.messages.stream(body).finalMessage();
    await until(() => rig.upstream.requests.some((r) => JSON.stringify(r.body).includes(prompt)));
    const texts = [textOf(await leader), ...(await Promise.all(Array.from({ length: 5 }, async () => textOf(await an.messages.create(body)))))];
    expect(rig.upstream.requests.filter((r) => JSON.stringify(r.body).includes(prompt))).toHaveLength(1);
    expect(texts[0]!.text).toContain('coalesce claude');
    for (const t of texts) expect(t).toEqual(texts[0]);
  });

  it('a waiter whose client leaves stops waiting: a 499 row, nothing sent upstream for it', async () => {
    const prompt = uniq('coalesce waiter leaves [[fake:slow=1500]]');
    const oa = client();
    const body = { model: MODEL, messages: [{ role: 'user' as const, content: prompt }] };
    const first = oa.chat.completions.create(body).withResponse();
    await until(() => upstreamCalls(prompt) === 1);
    const ac = new AbortController();
    const waiter = oa.chat.completions.create(body, { signal: ac.signal }).catch((e: unknown) => (e as Error).constructor.name);
    // The waiter never got headers (no request id): its row is the one new 499.
    const countRows = () => (rig.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM calls WHERE status = 499 AND error_type = 'client_closed_request'").get() as { n: number }).n;
    const before = countRows();
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    expect(await waiter).toBe('APIUserAbortError');
    await until(() => countRows() === before + 1);
    const { data, response } = await first;
    expect(data.choices[0]?.message.content).toContain('coalesce waiter leaves');
    expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))).toMatchObject([{ status: 200, cache: 'miss' }]);
    expect(upstreamCalls(prompt)).toBe(1);
  });
});

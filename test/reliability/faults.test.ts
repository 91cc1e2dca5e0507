/**
 * Upstream faults through the real SDK clients, beyond the single faults in test/proxy/errors.test.ts:
 * Anthropic and Responses streams cut or stalled, 5xx storms while others are served, 429 with and
 * without retry-after (single attempt and with retries), truncated JSON and HTML on the Anthropic
 * route, a slow-but-in-time first byte, a huge answer, connection refused on both SDKs.
 * For each: the client sees the provider's error shape or the complete answer, the ledger rows are
 * right (status, attempts, billed tokens), nothing partial is cached, and a parallel healthy call succeeds.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedCount, deadPort, rowsFor, startRig, uniq, until, type Rig } from './support';

const MODEL = 'gpt-4o-mini';
const CLAUDE = 'claude-3-5-haiku-latest';

let single: Rig; // retries off: one attempt per call
let retrying: Rig; // default retry policy with a short backoff
let oa: OpenAI;
let an: Anthropic;
let oaR: OpenAI;
let anR: Anthropic;

beforeAll(async () => {
  single = await startRig({ policy: { retries: { attempts: 0 } }, openai: { idleTimeoutMs: 1_500 }, anthropic: { idleTimeoutMs: 1_500 } });
  retrying = await startRig({ policy: { retries: { attempts: 2, backoffMs: 5, maxBackoffMs: 2_000 } } });
  oa = new OpenAI({ baseURL: single.openaiBaseUrl, apiKey: 'sk-faults-a', maxRetries: 0 });
  an = new Anthropic({ baseURL: single.anthropicBaseUrl, apiKey: 'sk-ant-faults-a', maxRetries: 0 });
  oaR = new OpenAI({ baseURL: retrying.openaiBaseUrl, apiKey: 'sk-faults-b', maxRetries: 0 });
  anR = new Anthropic({ baseURL: retrying.anthropicBaseUrl, apiKey: 'sk-ant-faults-b', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await single?.close();
  await retrying?.close();
});

/** A healthy call on the same proxy, run alongside a fault: must come back complete. */
async function healthyOpenAI(client: OpenAI) {
  const prompt = uniq('healthy neighbour');
  const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
  expect(r.choices[0]?.message.content).toContain('healthy neighbour');
  expect(r.choices[0]?.finish_reason).toBe('stop');
}

async function healthyAnthropic(client: Anthropic) {
  const prompt = uniq('healthy claude neighbour');
  const r = await client.messages.create({ model: CLAUDE, max_tokens: 50, messages: [{ role: 'user', content: prompt }] });
  expect(r.content[0]?.type === 'text' ? r.content[0].text : '').toContain('healthy claude neighbour');
}

const idOfError = (e: unknown) => (e as { headers?: Headers }).headers?.get('x-tollgate-request-id');

function expectAnthropicShape(e: unknown, status: number) {
  expect(e).toBeInstanceOf(Anthropic.APIError);
  const err = e as InstanceType<typeof Anthropic.APIError>;
  expect(err.status).toBe(status);
  const body = err.error as { type?: string; error?: { type?: string; message?: string } };
  expect(body.type).toBe('error');
  expect(typeof body.error?.type).toBe('string');
  expect(typeof body.error?.message).toBe('string');
}

function expectOpenAIShape(e: unknown, status: number) {
  expect(e).toBeInstanceOf(OpenAI.APIError);
  const err = e as InstanceType<typeof OpenAI.APIError>;
  expect(err.status).toBe(status);
  const body = err.error as { message?: string; type?: string };
  expect(typeof body.message).toBe('string');
  expect(typeof body.type).toBe('string');
}

describe('streams cut or stalled (Anthropic and Responses)', () => {
  it('Anthropic stream reset mid-way: error to the client, 502 row with billed input tokens, not cached', async () => {
    const prompt = uniq('anthropic cut stream please [[fake:reset-mid-stream]] [[fake:words=12]]');
    const run = async () => {
      const { data, response } = await an.messages.create({ model: CLAUDE, max_tokens: 100, stream: true, messages: [{ role: 'user', content: prompt }] }).withResponse();
      const id = response.headers.get('x-tollgate-request-id');
      let text = '';
      const err = await (async () => {
        for await (const ev of data) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      })().then(() => undefined, (e: unknown) => e);
      return { id, text, err };
    };
    const [r] = await Promise.all([run(), healthyAnthropic(an)]);
    expect(r.err).toBeDefined();
    await until(() => rowsFor(single.proxy, r.id).length === 1);
    const [row] = rowsFor(single.proxy, r.id);
    expect(row).toMatchObject({ status: 502, error_type: 'upstream_reset', cache: 'miss', attempt: 1 });
    expect(row!.input_tokens).toBeGreaterThan(0); // message_start reported input usage before the cut
    expect(cachedCount(single.proxy, prompt.slice(0, 30))).toBe(0);
    // the same request goes upstream again rather than replaying a partial answer
    const before = single.upstream.calls();
    await run();
    expect(single.upstream.calls()).toBe(before + 1);
  });

  it('Responses API stream stalled mid-way: idle timeout ends it, 504 row, not cached', async () => {
    const prompt = uniq('responses stall here please [[fake:stall-mid-stream]]');
    const run = async () => {
      const { data, response } = await oa.responses.create({ model: MODEL, input: prompt, stream: true }).withResponse();
      let completed = false;
      const err = await (async () => {
        for await (const ev of data) if (ev.type === 'response.completed') completed = true;
      })().then(() => undefined, (e: unknown) => e);
      return { id: response.headers.get('x-tollgate-request-id'), completed, err };
    };
    const [r] = await Promise.all([run(), healthyOpenAI(oa)]);
    expect(r.completed).toBe(false);
    expect(r.err).toBeDefined();
    await until(() => rowsFor(single.proxy, r.id).length === 1);
    expect(rowsFor(single.proxy, r.id)[0]).toMatchObject({ status: 504, error_type: 'upstream_timeout', attempt: 1 });
    expect(cachedCount(single.proxy, prompt.slice(0, 30))).toBe(0);
  });

  it('a first byte that is slow but within the timeout gives the complete answer, billed and cached', async () => {
    const prompt = uniq('patient caller [[fake:slow=400]]');
    const [{ data, response }] = await Promise.all([
      oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse(),
      healthyOpenAI(oa),
    ]);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    const [row] = rowsFor(single.proxy, response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ status: 200, cache: 'miss' });
    expect(row!.input_tokens).toBe(data.usage?.prompt_tokens);
    expect(row!.output_tokens).toBe(data.usage?.completion_tokens);
    const again = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(again.data).toEqual(data);
  });
});

describe('5xx storms', () => {
  it('40 concurrent 500s (single attempt) while 10 healthy calls on both SDKs are all served', async () => {
    const storm = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0
        ? oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('storm [[fake:500]]') }] })
        : an.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: uniq('storm [[fake:503]]') }] })
      ).then(
        () => ({ ok: true as const, id: null as string | null | undefined, e: undefined as unknown }),
        (e: unknown) => ({ ok: false as const, id: idOfError(e), e }),
      ),
    );
    const healthy = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? healthyOpenAI(oa) : healthyAnthropic(an)));
    const [results] = await Promise.all([Promise.all(storm), Promise.all(healthy)]);
    expect(results.every((r) => !r.ok)).toBe(true);
    results.forEach((r, i) => (i % 2 === 0 ? expectOpenAIShape(r.e, 500) : expectAnthropicShape(r.e, 503)));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(40);
    for (const [i, r] of results.entries()) {
      const rows = rowsFor(single.proxy, r.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: i % 2 === 0 ? 500 : 503, attempt: 1, output_tokens: 0, cost_usd: 0 });
    }
    expect(cachedCount(single.proxy, 'storm')).toBe(0);
    const health = await request(`${single.proxy.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('with retries, each storm call gets one ledger row per attempt (1..3) and one final 500', async () => {
    const calls = Array.from({ length: 12 }, () =>
      oaR.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('retry storm [[fake:500]]') }] }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    const [errs] = await Promise.all([Promise.all(calls), healthyOpenAI(oaR)]);
    for (const e of errs) {
      expectOpenAIShape(e, 500);
      const rows = rowsFor(retrying.proxy, idOfError(e));
      expect(rows.map((r) => r.attempt)).toEqual([1, 2, 3]);
      expect(rows.every((r) => r.status === 500 && r.output_tokens === 0)).toBe(true);
    }
  });

  it('a transient 5xx (fails twice, then answers) is retried: two 500 rows then one billed 200 row, answer cached once', async () => {
    const prompt = uniq('flaky upstream [[fake:fail-first=2]]');
    const { data, response } = await oaR.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.choices[0]?.finish_reason).toBe('stop');
    const rows = rowsFor(retrying.proxy, response.headers.get('x-tollgate-request-id'));
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([[1, 500], [2, 500], [3, 200]]);
    expect(rows[2]!.input_tokens).toBe(data.usage?.prompt_tokens);
    expect(rows[2]!.output_tokens).toBe(data.usage?.completion_tokens);
    expect(rows[0]!.input_tokens + rows[1]!.input_tokens).toBe(0);
    expect(cachedCount(retrying.proxy, prompt.slice(0, 25))).toBe(1);
  });
});

describe('429', () => {
  it('with retry-after, retried after the asked delay, then relayed with retry-after and the Anthropic shape', async () => {
    const e = await anR.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: uniq('slow down [[fake:429]]') }] }).catch((x: unknown) => x);
    expectAnthropicShape(e, 429);
    expect(e).toBeInstanceOf(Anthropic.RateLimitError);
    expect((e as { headers: Headers }).headers.get('retry-after')).toBe('1');
    const rows = rowsFor(retrying.proxy, idOfError(e));
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([[1, 429], [2, 429], [3, 429]]);
  });

  it('without retry-after: relayed without one; single-attempt gets one row, retrying gets three', async () => {
    const [e1] = await Promise.all([
      an.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: uniq('no hint [[fake:429-no-retry-after]]') }] }).catch((x: unknown) => x),
      healthyAnthropic(an),
    ]);
    expectAnthropicShape(e1, 429);
    expect((e1 as { headers: Headers }).headers.get('retry-after')).toBeNull();
    expect(rowsFor(single.proxy, idOfError(e1)).map((r) => r.status)).toEqual([429]);
    const e2 = await oaR.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('no hint [[fake:429-no-retry-after]]') }] }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(OpenAI.RateLimitError);
    expectOpenAIShape(e2, 429);
    expect(rowsFor(retrying.proxy, idOfError(e2)).map((r) => r.attempt)).toEqual([1, 2, 3]);
  });
});

describe('broken bodies on the Anthropic route', () => {
  it('truncated JSON becomes an Anthropic-shaped 502, recorded, not cached', async () => {
    const prompt = uniq('anthropic half body [[fake:truncated]]');
    const [e] = await Promise.all([
      an.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: prompt }] }).catch((x: unknown) => x),
      healthyAnthropic(an),
    ]);
    expectAnthropicShape(e, 502);
    const rows = rowsFor(single.proxy, idOfError(e));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe(502);
    expect(cachedCount(single.proxy, prompt.slice(0, 25))).toBe(0);
  });

  it('an HTML error page (wrong content-type) becomes an Anthropic-shaped 502 naming text/html', async () => {
    const [e] = await Promise.all([
      an.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: uniq('html please [[fake:html]]') }] }).catch((x: unknown) => x),
      healthyOpenAI(oa),
    ]);
    expectAnthropicShape(e, 502);
    expect(String((e as Error).message)).toMatch(/text\/html/);
    expect(rowsFor(single.proxy, idOfError(e))[0]!.status).toBe(502);
  });
});

describe('a huge response', () => {
  it('4 MB answers arrive complete (JSON and stream), are billed, and a replay is byte-identical', async () => {
    const bytes = 4 * 1024 * 1024;
    const prompt = uniq(`big one [[fake:huge=${bytes}]]`);
    const [{ data, response }] = await Promise.all([
      oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse(),
      healthyOpenAI(oa),
    ]);
    const text = data.choices[0]?.message.content ?? '';
    expect(text.length).toBeGreaterThan(bytes);
    expect(text.endsWith('x'.repeat(1000))).toBe(true);
    const [row] = rowsFor(single.proxy, response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ status: 200, input_tokens: data.usage?.prompt_tokens, output_tokens: data.usage?.completion_tokens });
    const again = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
    expect(again).toEqual(data);

    const s = await an.messages.create({ model: CLAUDE, max_tokens: 100, stream: true, messages: [{ role: 'user', content: uniq(`big stream [[fake:huge=${bytes}]]`) }] });
    let streamed = '';
    for await (const ev of s) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') streamed += ev.delta.text;
    expect(streamed.length).toBeGreaterThan(bytes);
  });
});

describe('connection refused', () => {
  let dead: Rig;
  beforeAll(async () => {
    const port = await deadPort();
    dead = await startRig({ policy: { retries: { attempts: 2, backoffMs: 5 } }, anthropic: { baseUrl: `http://127.0.0.1:${port}` } });
  });
  afterAll(async () => dead?.close());

  it('Anthropic SDK gets an Anthropic-shaped 502 after 3 attempts (3 rows, nothing billed) while OpenAI traffic on the same proxy is served', async () => {
    const client = new Anthropic({ baseURL: dead.anthropicBaseUrl, apiKey: 'sk-ant-dead', maxRetries: 0 });
    const ok = new OpenAI({ baseURL: dead.openaiBaseUrl, apiKey: 'sk-alive', maxRetries: 0 });
    const [e] = await Promise.all([
      client.messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: 'anyone there?' }] }).catch((x: unknown) => x),
      healthyOpenAI(ok),
    ]);
    expectAnthropicShape(e, 502);
    expect(String((e as Error).message)).toMatch(/cannot connect to the upstream/);
    const rows = rowsFor(dead.proxy, idOfError(e));
    expect(rows.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(rows.every((r) => r.status === 502 && r.input_tokens === 0 && r.output_tokens === 0 && r.cost_usd === 0)).toBe(true);
    expect(dead.proxy.services.exactCache.count()).toBe(1); // only the healthy OpenAI answer
  });
});

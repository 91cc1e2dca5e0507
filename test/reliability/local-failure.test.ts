/**
 * An answer Tollgate cannot relay as asked is not an upstream failure: the call must not be sent
 * again (the proxy's retries, a fallback, the SDK's own retries), each time generated and billed
 * again. The case here is real: a JSON answer to a stream request (a server that ignores `stream`)
 * is replayed as a stream, and an answer nested deeper than JSON.stringify can recurse (legal JSON,
 * which JSON.parse reads) cannot be. It was a 500 "Tollgate failed to relay" (a RangeError); it is
 * a 502 that says why and how to get the answer. A genuine upstream read failure (a reset mid-body)
 * keeps its own handling (upstream-wire.test.ts, faults.test.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ENDPOINTS } from '../../proxy/src/providers';
import { cachedCount, rowsFor, startRig, uniq, type Rig } from './support';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';

const MODEL = 'gpt-4o-mini';
const upstreamModels: string[] = [];
let upstream: RawUpstream;
let rig: Rig;

/** A chat completion as OpenAI sends it, with a provider field nested `depth` levels deep. */
function nestedAnswer(res: ServerResponse, model: string, prompt: string, depth: number): void {
  const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const head = JSON.stringify({
    id: 'chatcmpl-local',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: `answer to ${prompt}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 13, completion_tokens: 9, total_tokens: 22 },
  });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${head.slice(0, -1)},"provider_trace":${nested}}`);
}

beforeAll(async () => {
  upstream = await rawUpstream<{ model?: string; messages?: Array<{ content: string }> }>((_req: IncomingMessage, res, body) => {
    upstreamModels.push(String(body.model));
    const prompt = body.messages?.at(-1)?.content ?? '';
    nestedAnswer(res, String(body.model), prompt, prompt.startsWith('shallow') ? 3 : 200_000);
  });
  // Default retries, and a fallback: neither may send a generated answer's call again.
  rig = await startRig({ policy: { fallbacks: [{ from: MODEL, to: ['gpt-4o'] }] }, openai: { baseUrl: `${upstream.origin}/v1` } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await upstream?.close();
});

/** Asks for a stream through the proxy with the SDK's default retries; the APIError it raised and the models sent upstream. */
async function streamFailure(label: string): Promise<{ e: InstanceType<typeof OpenAI.APIError>; prompt: string; sent: string[] }> {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-local-failure' });
  const prompt = uniq(label);
  const before = upstreamModels.length;
  const err = await oa.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return { e: err as InstanceType<typeof OpenAI.APIError>, prompt, sent: upstreamModels.slice(before) };
}

it('a deep JSON answer to a stream request: one upstream call, one row billed by its usage, nothing cached, a 502 that says why and is not retried by the SDK', async () => {
  const { e, prompt, sent } = await streamFailure('relay fails');
  // Sent upstream once: no proxy retry, no fallback (gpt-4o), no SDK retry.
  expect(sent).toEqual([MODEL]);
  const rows = rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'));
  expect(rows).toHaveLength(1);
  expect(e.status).toBe(502);
  expect(e.headers?.get('x-should-retry')).toBe('false');
  expect(e.message).toMatch(/ignored `stream: true` and answered with one JSON body, .* \(it nests more than 1000 levels deep\).* Ask without `stream`/);
  // The upstream generated, and bills, the answer: its reported usage, not $0.
  expect(rows[0]).toMatchObject({ status: 502, error_type: 'upstream_unstreamable', input_tokens: 13, output_tokens: 9, tokens_estimated: 0 });
  expect(rows[0]!.cost_usd).toBeGreaterThan(0);
  expect(cachedCount(rig.proxy, prompt)).toBe(0);
});

it('our own failure while replaying a JSON answer as a stream is a 500 naming Tollgate, not blamed on the upstream', async () => {
  // A stand-in for a bug in the replay: the answer is ordinary (3 levels), so nothing is the upstream's.
  const chat = ENDPOINTS.find((e) => e.id === 'chat.completions')!;
  const fault = vi.spyOn(chat, 'replay').mockImplementation(() => {
    throw new TypeError('replay bug');
  });
  try {
    const { e, prompt, sent } = await streamFailure('shallow relay bug');
    expect(sent).toEqual([MODEL]);
    expect(e.status).toBe(500);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(e.message).toMatch(/Tollgate failed to relay its answer \(replay bug\)/);
    const rows = rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 500, error_type: 'internal_error', input_tokens: 13, output_tokens: 9 });
    expect(cachedCount(rig.proxy, prompt)).toBe(0);
  } finally {
    fault.mockRestore();
  }
});

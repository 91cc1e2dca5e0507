/**
 * A scripted OpenAI-compatible upstream for the usage-variant tests: each request's last user text
 * names a scenario whose `usage` block (and stream shape) the test supplies, so the exact wire
 * variants of real providers (OpenAI audio details, DeepSeek cache hit/miss counts, Groq's
 * `x_groq.usage` stream chunk, OpenRouter's `usage.cost`) reach the proxy as those providers send
 * them: JSON bodies or `data:` SSE frames ending in `[DONE]`, with request-id headers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dataFrames, sendSse } from '../support/sseWriter';

type Json = Record<string, unknown>;

export interface UsageScenario {
  /** The `usage` block of the answer (JSON) or of the stream's usage chunk. */
  usage: Json;
  /** `model` in the answer (default: the request's). */
  model?: string;
  /** Stream shape: `usage` (OpenAI: a final chunk with `choices: []` when include_usage is set), `x_groq` (Groq: `x_groq.usage` on the last content chunk). */
  streamUsage?: 'usage' | 'x_groq';
  /** `service_tier` in the answer when it is not the one asked for (a priority request downgraded to "default"). */
  servedTier?: string;
}

export interface UsageUpstream {
  baseUrl: string;
  /** The bodies the proxy sent upstream. */
  requests: Json[];
  close(): Promise<void>;
}

function lastUserText(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

export async function startUsageUpstream(scenarios: Record<string, UsageScenario>): Promise<UsageUpstream> {
  const requests: Json[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
      requests.push(body);
      const prompt = lastUserText(body);
      const s = scenarios[prompt.split(' ')[0] ?? ''];
      if (!s) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no scenario for "${prompt}"`, type: 'invalid_request_error', param: null, code: null } }));
        return;
      }
      const id = `chatcmpl-usage${++n}`;
      const model = s.model ?? String(body.model);
      // OpenAI names the tier that served the call: the one asked for, "default" for "auto" or none.
      const asked = typeof body.service_tier === 'string' && body.service_tier !== 'auto' ? body.service_tier : 'default';
      const base = { id, object: 'chat.completion.chunk', created: 1_764_000_000 + n, model, service_tier: s.servedTier ?? asked, system_fingerprint: 'fp_usage' };
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_usage_${n}` });
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: `answer ${n}`, refusal: null }, logprobs: null, finish_reason: 'stop' }],
            usage: s.usage,
          }),
        );
        return;
      }
      const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
      const frames: Json[] = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: { content: `answer ${n}` }, logprobs: null, finish_reason: null }] },
      ];
      if (s.streamUsage === 'x_groq') {
        // Groq: the usage rides on the last chunk, under x_groq, whatever stream_options say.
        frames.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], x_groq: { id: `req_${n}`, usage: s.usage } });
      } else {
        frames.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], ...(includeUsage ? { usage: null } : {}) });
        if (includeUsage) frames.push({ ...base, choices: [], usage: s.usage });
      }
      sendSse(res, dataFrames(frames), { 'x-request-id': `req_usage_${n}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

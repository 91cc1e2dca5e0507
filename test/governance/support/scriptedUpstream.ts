/**
 * An OpenAI-shaped upstream with one scripted failure: requests for `failing.model` get its status,
 * headers and error body (OpenAI's `{ error: { message, type, param, code } }`); every other model
 * answers a chat completion "fallback answer". For tests of what the proxy's retries and fallbacks
 * do with a provider's failure headers (retry-after, rate-limit resets, x-should-retry). `asked`
 * lists the models requested, in order. Binds 127.0.0.1 on port 0.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedFailure {
  model: string;
  status: number;
  headers: Record<string, string>;
  error: { message: string; type: string; code: string | null };
}

export interface ScriptedUpstream {
  /** Base URL with /v1, for a provider's `baseUrl`. */
  url: string;
  asked: string[];
  close(): Promise<void>;
}

export async function scriptedUpstream(failing: ScriptedFailure): Promise<ScriptedUpstream> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
      asked.push(body.model);
      if (body.model === failing.model) {
        res.writeHead(failing.status, { 'content-type': 'application/json', 'x-request-id': `req_${asked.length}`, ...failing.headers });
        res.end(JSON.stringify({ error: { ...failing.error, param: null } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${asked.length}` });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-ok',
          object: 'chat.completion',
          created: 1_764_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'fallback answer', refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    asked,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

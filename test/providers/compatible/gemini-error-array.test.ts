/**
 * Gemini's OpenAI-compatible API (`…/v1beta/openai/`) answers errors as a JSON array holding one
 * error object (`[{"error": {"code": 503, "message": …, "status": "UNAVAILABLE"}}]`). Relayed as
 * "not the provider's JSON", a 503 reached the SDK as a 502 with the body pasted into Tollgate's own
 * message; the element is the provider's error, relayed with the upstream's status.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { proxyOver } from '../../support/proxyOver';

const ERROR = { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } };

async function startGeminiErrors() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(503, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify([ERROR]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1beta/openai`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const t = proxyOver({
  provider: 'openai',
  startUpstream: startGeminiErrors,
  client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'gemini-key', maxRetries: 0 }),
});

describe('Gemini error arrays', () => {
  it('reach the SDK with the upstream status and Gemini message, and are recorded once', async () => {
    const err = await t.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('The model is overloaded');
    expect((err as InstanceType<typeof OpenAI.APIError>).message).not.toContain('Tollgate: the upstream answered');
    const rows = t.h.proxy.services.db.prepare('SELECT status FROM calls').all() as Array<{ status: number }>;
    expect(rows).toEqual([{ status: 503 }]);
  });
});

/**
 * A Responses stream that ends in `response.failed`: the response's `error` names what went wrong in
 * its `code` (`server_error`, `rate_limit_exceeded`, …), there being no `type`. The ledger row read
 * `type` and recorded every such failure as `stream_error`, whatever the provider said.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { namedEvent } from '../../support/sseWriter';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const response = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'resp_0f1e2d3c',
  object: 'response',
  created_at: 1_764_600_000,
  status,
  background: false,
  error: null,
  incomplete_details: null,
  model: 'gpt-5-mini-2025-08-07',
  output: [],
  usage: null,
  ...extra,
});

describe('a Responses stream that fails', () => {
  let server: Server;
  let h: Harness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_failed' });
        const failed = response('failed', { error: { code: 'server_error', message: 'The model produced invalid content.' } });
        res.end(
          [
            namedEvent({ type: 'response.created', sequence_number: 0, response: response('in_progress') }),
            namedEvent({ type: 'response.in_progress', sequence_number: 1, response: response('in_progress') }),
            namedEvent({ type: 'response.failed', sequence_number: 2, response: failed }),
          ].join(''),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h = await startHarness({ retries: { attempts: 0 } }, { openai: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is recorded with the error code the response gives', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-failed', maxRetries: 0 });
    const events: string[] = [];
    for await (const e of await client.responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true })) events.push(e.type);
    expect(events.at(-1)).toBe('response.failed');
    const row = () => h.proxy.services.db.prepare('SELECT status, error_type, cache FROM calls ORDER BY id DESC LIMIT 1').get() as Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !row(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(row()).toEqual({ status: 502, error_type: 'server_error', cache: 'miss' });
  });
});

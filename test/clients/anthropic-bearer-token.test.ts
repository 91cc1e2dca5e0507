/**
 * Anthropic takes two kinds of credential: an API key in `x-api-key`, and an OAuth access token as
 * `Authorization: Bearer` (Claude Code signed in with a Claude plan sends its token so, and so does
 * the SDK's `authToken` / `ANTHROPIC_AUTH_TOKEN`, which gateways in front of Anthropic read).
 * Tollgate moved every client credential into `x-api-key`, where the API refuses a token: such a
 * client could not use the proxy at all. A Bearer credential now goes on as Bearer; keys still go
 * in `x-api-key`, an Anthropic API key sent as Bearer too.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const MESSAGE = {
  id: 'msg_01Bearer',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3, service_tier: 'standard' },
};

describe('an Anthropic client’s credential reaches the API in the header it belongs in', () => {
  let server: Server;
  const seen: IncomingHttpHeaders[] = [];
  let h: Harness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${seen.length}` });
        res.end(JSON.stringify(MESSAGE));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h = await startHarness({ retries: { attempts: 0 }, cache: { enabled: false } }, { anthropic: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const ask = (client: Anthropic) => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });

  it('an OAuth token (authToken) goes on as Authorization: Bearer', async () => {
    const client = new Anthropic({ apiKey: null, authToken: 'sk-ant-oat01-Zx9kTokenFromClaudeCode', baseURL: h.anthropicBaseUrl, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'oauth-2025-04-20' } });
    expect((await ask(client)).content).toEqual(MESSAGE.content);
    const sent = seen.at(-1)!;
    expect(sent.authorization).toBe('Bearer sk-ant-oat01-Zx9kTokenFromClaudeCode');
    expect(sent['x-api-key']).toBeUndefined();
    expect(sent['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('an API key goes in x-api-key, sent as x-api-key or as Bearer', async () => {
    await ask(new Anthropic({ apiKey: 'sk-ant-api03-keyInXApiKey', baseURL: h.anthropicBaseUrl, maxRetries: 0 }));
    expect(seen.at(-1)).toMatchObject({ 'x-api-key': 'sk-ant-api03-keyInXApiKey' });
    expect(seen.at(-1)?.authorization).toBeUndefined();

    await ask(new Anthropic({ apiKey: null, authToken: 'sk-ant-api03-keyAsBearer', baseURL: h.anthropicBaseUrl, maxRetries: 0 }));
    expect(seen.at(-1)).toMatchObject({ 'x-api-key': 'sk-ant-api03-keyAsBearer' });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('a client sending both (ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN set) has its key in x-api-key, not the token', async () => {
    // The SDK sends both headers when given both: the token in x-api-key is refused by the API.
    await ask(new Anthropic({ apiKey: 'sk-ant-api03-theKey', authToken: 'sk-ant-oat01-theToken', baseURL: h.anthropicBaseUrl, maxRetries: 0 }));
    expect(seen.at(-1)?.['x-api-key']).toBe('sk-ant-api03-theKey');
  });
});

describe('an OAuth token stays a Bearer token when a fallback moves the call to another Anthropic target', () => {
  let server: Server;
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  let h: Harness;

  beforeAll(async () => {
    // One server, two targets: /down is overloaded, /up answers.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers });
        if (req.url?.startsWith('/down')) {
          res.writeHead(529, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(MESSAGE));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await startHarness(
      {
        retries: { attempts: 0 },
        cache: { enabled: false },
        providers: { 'anthropic-eu': { kind: 'anthropic', baseUrl: `${base}/up` } },
        fallbacks: [{ from: 'claude-sonnet-4-5', to: ['anthropic-eu/claude-sonnet-4-5'] }],
      },
      { anthropic: { baseUrl: `${base}/down` } },
    );
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the fallback target gets Authorization: Bearer, never x-api-key', async () => {
    const client = new Anthropic({ apiKey: null, authToken: 'sk-ant-oat01-Zx9kTokenFromClaudeCode', baseURL: h.anthropicBaseUrl, maxRetries: 0 });
    const { data, response } = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.content).toEqual(MESSAGE.content);
    expect(response.headers.get('x-tollgate-fallback')).toBe('anthropic-eu/claude-sonnet-4-5');
    expect(seen.map((s) => s.url)).toEqual(['/down/v1/messages', '/up/v1/messages']);
    for (const { headers } of seen) {
      expect(headers.authorization).toBe('Bearer sk-ant-oat01-Zx9kTokenFromClaudeCode');
      expect(headers['x-api-key']).toBeUndefined();
    }
  });
});

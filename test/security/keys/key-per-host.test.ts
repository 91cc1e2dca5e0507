/**
 * The proxy's environment key of one provider goes to that provider only. When Tollgate moves a call
 * to another provider — a `fallbacks:` target, a routing rule's model another provider serves — a
 * call that carried the first provider's `apiKeyEnv` key takes the new provider's own environment
 * key, or none: an OPENAI_API_KEY was handed to whatever host the fallback named. A key the caller
 * sent goes where the policy sends the call, as it does to the first provider.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';

interface Seen {
  model: string;
  authorization: string | undefined;
}

/** An OpenAI-shaped upstream: `failing` models answer 503 (retryable), others a chat completion. */
async function upstream(failing: Set<string>): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
      const h: IncomingHttpHeaders = req.headers;
      seen.push({ model: body.model, authorization: h.authorization });
      if (failing.has(body.model)) {
        res.writeHead(503, { 'content-type': 'application/json', 'x-request-id': `req_${seen.length}` });
        res.end(JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${seen.length}` });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${seen.length}`,
          object: 'chat.completion',
          created: 1_764_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: `answer from ${body.model}`, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('a fallback to another provider', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  async function setup(env: Record<string, string>) {
    const primary = await upstream(new Set(['gpt-4o']));
    const other = await upstream(new Set());
    open.push(primary, other);
    const h: Harness = await startHarness(
      {
        retries: { attempts: 0 },
        fallbacks: [{ from: 'gpt-4o', to: ['backup/gpt-4o-mini'] }],
        providers: { backup: { kind: 'openai', baseUrl: other.url, apiKeyEnv: 'BACKUP_API_KEY' } },
      },
      { openai: { baseUrl: primary.url }, env },
    );
    open.push(h);
    const ask = (apiKey: string) =>
      new OpenAI({ baseURL: h.openaiBaseUrl, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    return { primary, other, ask };
  }

  it('takes its own environment key where the call had the first provider’s', async () => {
    const { primary, other, ask } = await setup({ OPENAI_API_KEY: 'sk-env-openai', BACKUP_API_KEY: 'sk-env-backup' });
    const { data, response } = await ask('tollgate');
    expect(data.choices[0]?.message.content).toBe('answer from gpt-4o-mini');
    expect(response.headers.get('x-tollgate-fallback')).toBe('backup/gpt-4o-mini');
    expect(primary.seen).toEqual([{ model: 'gpt-4o', authorization: 'Bearer sk-env-openai' }]);
    expect(other.seen).toEqual([{ model: 'gpt-4o-mini', authorization: 'Bearer sk-env-backup' }]);
  });

  it('sends no key rather than the first provider’s when it has none', async () => {
    const { other, ask } = await setup({ OPENAI_API_KEY: 'sk-env-openai' });
    await ask('tollgate');
    expect(other.seen).toEqual([{ model: 'gpt-4o-mini', authorization: undefined }]);
  });

  it('a key the caller sent goes where the policy sends the call, as to the first provider', async () => {
    const { other, ask } = await setup({ OPENAI_API_KEY: 'sk-env-openai', BACKUP_API_KEY: 'sk-env-backup' });
    await ask('sk-caller');
    expect(other.seen).toEqual([{ model: 'gpt-4o-mini', authorization: 'Bearer sk-caller' }]);
  });
});

describe('a routing rule whose model another provider serves', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  async function setup(env: Record<string, string>) {
    const primary = await upstream(new Set());
    const other = await upstream(new Set());
    open.push(primary, other);
    const h: Harness = await startHarness(
      {
        providers: { backup: { kind: 'openai', baseUrl: other.url, models: ['llama-*'] } },
        routing: {
          rules: [
            { name: 'cheap-to-backup', match: { feature: 'cheap' }, model: 'backup/gpt-4o-mini' },
            { name: 'bulk-to-llama', match: { feature: 'bulk' }, model: 'llama-3.3-70b' },
            { name: 'same-provider', match: { feature: 'same' }, model: 'openai/gpt-4o-mini' },
            { name: 'openai-only', match: { feature: 'kept', provider: 'openai' }, model: 'llama-3.1-8b' },
          ],
        },
      },
      { openai: { baseUrl: primary.url }, env },
    );
    open.push(h);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'tollgate', maxRetries: 0 });
    const ask = (feature: string) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-tollgate-feature': feature } });
    return { primary, other, ask };
  }

  it('goes to that provider without the prefix, with its own key (by prefix and by its models glob)', async () => {
    const { primary, other, ask } = await setup({ OPENAI_API_KEY: 'sk-env-openai', BACKUP_API_KEY: 'sk-env-backup' });
    expect((await ask('cheap')).choices[0]?.message.content).toBe('answer from gpt-4o-mini');
    expect((await ask('bulk')).choices[0]?.message.content).toBe('answer from llama-3.3-70b');
    expect(other.seen).toEqual([
      { model: 'gpt-4o-mini', authorization: 'Bearer sk-env-backup' },
      { model: 'llama-3.3-70b', authorization: 'Bearer sk-env-backup' },
    ]);
    // A prefix naming the request's own provider is dropped, not sent.
    await ask('same');
    expect(primary.seen).toEqual([{ model: 'gpt-4o-mini', authorization: 'Bearer sk-env-openai' }]);
  });

  it('a rule limited to the request’s provider keeps it (as the exports do)', async () => {
    const { primary, other, ask } = await setup({ OPENAI_API_KEY: 'sk-env-openai' });
    await ask('kept');
    expect([primary.seen.map((s) => s.model), other.seen]).toEqual([['llama-3.1-8b'], []]);
  });
});

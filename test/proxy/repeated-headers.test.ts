/**
 * A header sent twice (a gateway adding its own `x-api-key` in front of the app's, an SDK default
 * plus a hand-set copy) reaches Node as one value joined with ", ". Right for a list (two
 * `anthropic-beta` lines are two betas), wrong for a header that holds one value: two keys went
 * upstream as `x-api-key: keyA, keyB` (both keys handed to the provider, the call refused) and an
 * `anthropic-version: 2023-06-01, 2023-06-01` the API does not know. Now a repeat with the same
 * value is that value, different values are a 400 naming the header (never its values).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retries: { attempts: 0 }, cache: { enabled: false } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A request written by hand: an SDK or fetch cannot send a header line twice. */
function send(path: string, headers: Array<[string, string]>, body: unknown): Promise<{ status: number; body: string }> {
  const u = new URL(h.proxy.url);
  const text = JSON.stringify(body);
  const lines = [`POST ${path} HTTP/1.1`, `Host: ${u.host}`, ...headers.map(([k, v]) => `${k}: ${v}`), 'content-type: application/json', `content-length: ${Buffer.byteLength(text)}`, 'connection: close', '', text];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(lines.join('\r\n')));
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (raw += d));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(raw.split(' ')[1]), body: raw.slice(raw.indexOf('\r\n\r\n') + 4) }));
  });
}

const MESSAGES = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('a header sent twice', () => {
  it('two different API keys: a 400 naming x-api-key, nothing sent upstream, neither key echoed', async () => {
    const before = h.upstream.requests.length;
    const r = await send('/v1/messages', [['x-api-key', 'sk-ant-api03-first'], ['x-api-key', 'sk-ant-api03-second'], ['anthropic-version', '2023-06-01']], MESSAGES);
    expect(r.status).toBe(400);
    expect(r.body).toContain('x-api-key');
    expect(r.body).toContain('"type":"error"');
    expect(r.body).not.toContain('sk-ant-api03-');
    expect(h.upstream.requests.length).toBe(before);
  });

  it('the same key and version twice go on once; two betas go on as a list', async () => {
    const r = await send(
      '/v1/messages',
      [['x-api-key', 'sk-ant-api03-same'], ['x-api-key', 'sk-ant-api03-same'], ['anthropic-version', '2023-06-01'], ['anthropic-version', '2023-06-01'], ['anthropic-beta', 'beta-one'], ['anthropic-beta', 'beta-two']],
      MESSAGES,
    );
    expect(r.status).toBe(200);
    const sent = h.upstream.requests.at(-1)!.headers;
    expect(sent['x-api-key']).toBe('sk-ant-api03-same');
    expect(sent['anthropic-version']).toBe('2023-06-01');
    expect(sent['anthropic-beta']).toBe('beta-one, beta-two');
  });

  it('two different organizations or Bearer tokens: a 400 in OpenAI’s shape', async () => {
    const before = h.upstream.requests.length;
    const org = await send('/v1/chat/completions', [['authorization', 'Bearer sk-one'], ['openai-organization', 'org-one'], ['openai-organization', 'org-two']], CHAT);
    expect(org.status).toBe(400);
    expect(JSON.parse(org.body).error.message).toContain('openai-organization');
    // Node keeps the first authorization line and drops the second: the call went out under whichever came first.
    const auth = await send('/v1/chat/completions', [['authorization', 'Bearer sk-one'], ['authorization', 'Bearer sk-two']], CHAT);
    expect(auth.status).toBe(400);
    expect(JSON.parse(auth.body).error).toMatchObject({ type: 'invalid_request_error' });
    expect(auth.body).not.toContain('sk-two');
    expect(h.upstream.requests.length).toBe(before);
  });
});

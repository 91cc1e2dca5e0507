/**
 * The file routes an app reaches through its one base URL besides batch inputs: uploads in parts
 * (`/v1/uploads`, multipart parts), vector stores and their search, and a file's bytes. Relayed
 * with the caller's key, bodies and content types as they came, binary answers byte-exact.
 */
import OpenAI, { toFile } from 'openai';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { proxyOver } from '../../support/proxyOver';
import { startMediaUpstream } from './mediaUpstream';


const t = proxyOver({
  provider: 'openai',
  startUpstream: startMediaUpstream,
  client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-proj-files', maxRetries: 0 }),
});

const lastSent = () => t.up.requests[t.up.requests.length - 1]!;

describe('uploads', () => {
  it('creates an upload, sends a multipart part byte-exact, and completes it', async () => {
    const up = await t.client.uploads.create({ bytes: 200_003, filename: 'big.bin', mime_type: 'application/octet-stream', purpose: 'assistants' });
    expect(up).toMatchObject({ id: 'upload_abc', status: 'pending', filename: 'big.bin' });
    expect(lastSent().headers.authorization).toBe('Bearer sk-proj-files');
    const data = Buffer.concat([Buffer.alloc(200_000, 0xfe), Buffer.from([0, 0xff, 0x80])]);
    const part = await t.client.uploads.parts.create('upload_abc', { data: await toFile(data, 'part0') });
    expect(part).toMatchObject({ id: `part_${data.length}`, upload_id: 'upload_abc' });
    expect(String(lastSent().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect((lastSent().fields.data as { bytes: Buffer }).bytes.equals(data)).toBe(true);
    const done = await t.client.uploads.complete('upload_abc', { part_ids: [part.id] });
    expect(done).toMatchObject({ status: 'completed', part_ids: [part.id], file: { id: 'file-xyz' } });
  });
});

describe('vector stores', () => {
  it('creates, lists (query kept) and searches', async () => {
    expect(await t.client.vectorStores.create({ name: 'notes' })).toMatchObject({ id: 'vs_1', name: 'notes' });
    const page = await t.client.vectorStores.list({ limit: 3 });
    expect(page.data[0]?.id).toBe('vs_1');
    expect(lastSent().headers.authorization).toBe('Bearer sk-proj-files');
    const found = await t.client.vectorStores.search('vs_1', { query: 'what is the answer?' });
    expect(found.data[0]).toMatchObject({ file_id: 'file-xyz', score: 0.91 });
    expect(lastSent().fields).toEqual({ query: 'what is the answer?' });
  });
});

describe('file content', () => {
  it('downloads a file byte-exact with its content type', async () => {
    const r = await t.client.files.content('file-img');
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await r.arrayBuffer()).equals(t.up.speech)).toBe(true);
  });
});

describe('methods the relayed APIs do not use', () => {
  it('TRACE, PUT, PATCH and OPTIONS on /v1/vector_stores and /v1/uploads get a 405 allowing what the relay takes, and reach no upstream', async () => {
    for (const method of ['TRACE', 'PUT', 'PATCH', 'OPTIONS']) {
      for (const path of ['/v1/vector_stores/vs_1', '/v1/uploads/upload_abc/parts']) {
        const seen = t.up.requests.length;
        // undici's request, not fetch: fetch refuses to send TRACE.
        const res = await request(`${t.h.proxy.url}${path}`, { method, headers: { authorization: 'Bearer sk-proj-files' } });
        expect([res.statusCode, res.headers.allow], `${method} ${path}`).toEqual([405, 'GET, POST, DELETE, HEAD']);
        expect(((await res.body.json()) as { error: { message: string } }).error.message).toContain(`does not serve ${method}`);
        expect(t.up.requests.length).toBe(seen);
      }
    }
  });
});

/**
 * After a newer Tollgate migrated the data file under a running proxy (db/formatWatch.ts), the
 * proxy's connection is read-only. Provider calls were refused with a clear 503; the batch routes
 * and the local API's writes (cache clear and evict, feedback) failed with SQLite's raw read-only
 * error as a 500, and /healthz still looked healthy, so the extension showed "running". Two real
 * connections on one file: the proxy's and one that raises `user_version`.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../proxy/src/db/open';
import { proxyWithSecondConnection } from './support/secondConnection';

const s = proxyWithSecondConnection({ cache: { enabled: true } });

type Health = { status: string; dataFileProblem?: { reason: string; format?: number; message: string } };
const health = async (): Promise<Health> => (await fetch(`${s.h.proxy.url}/healthz`)).json() as Promise<Health>;
const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${s.h.proxy.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.h.proxy.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Waits until /healthz reports the newer format (the proxy checks at most once a second). */
async function newerSeen(): Promise<Health> {
  for (let i = 0; i < 40; i++) {
    const hz = await health();
    if (hz.dataFileProblem) return hz;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('/healthz never reported the data file problem');
}

describe('writes after a newer data format was seen', () => {
  it('/healthz reports it with the action to take; the local API refuses writes with a clear 503 and still reads', async () => {
    const openai = new OpenAI({ baseURL: s.h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cache me' }] });
    expect((await health()).dataFileProblem).toBeUndefined();

    s.other.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    const hz = await newerSeen();
    expect(hz.dataFileProblem).toMatchObject({ reason: 'newer-format', format: SCHEMA_VERSION + 1 });
    expect(hz.dataFileProblem?.message).toMatch(/start the newer Tollgate/);

    const writes: Array<[string, string, unknown?]> = [
      ['POST', '/tollgate/cache/clear', {}],
      ['DELETE', '/tollgate/cache/entries/1'],
      ['POST', '/tollgate/cache/feedback', { entryId: 1, verdict: 'bad-hit' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await admin(method, path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      const err = ((await res.json()) as { error: { type: string; message: string } }).error;
      expect(err.type).toBe('tollgate_newer_data_format');
      expect(err.message).toMatch(new RegExp(`data format ${SCHEMA_VERSION + 1} by a newer Tollgate`));
    }
    // Nothing was cleared behind the error, and reads still answer.
    expect(s.other.prepare('SELECT COUNT(*) FROM cache_entries').pluck().get()).toBe(1);
    const calls = await admin('GET', '/tollgate/calls');
    expect(calls.status).toBe(200);
    expect(((await calls.json()) as { calls: unknown[] }).calls).toHaveLength(1);
  });

  it('the batch routes answer the provider-style 503, on both protocols, without reaching the upstream', async () => {
    s.other.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    await newerSeen();
    const before = s.h.upstream.calls();
    const openai = new OpenAI({ baseURL: s.h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    const line = JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    const upload = await openai.files.create({ file: await toFile(Buffer.from(`${line}\n`), 'in.jsonl'), purpose: 'batch' }).catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(OpenAI.APIError);
    expect((upload as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((upload as InstanceType<typeof OpenAI.APIError>).message).toMatch(/newer Tollgate/);
    expect((upload as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    const list = await openai.batches.list().catch((e: unknown) => e);
    expect((list as { status?: number }).status).toBe(503);

    const anthropic = new Anthropic({ baseURL: s.h.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
    const b = await anthropic.messages.batches
      .create({ requests: [{ custom_id: 'a', params: { model: 'claude-3-5-haiku-latest', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } }] })
      .catch((e: unknown) => e);
    expect(b).toBeInstanceOf(Anthropic.APIError);
    expect((b as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((b as InstanceType<typeof Anthropic.APIError>).message).toMatch(/newer Tollgate/);
    expect(s.h.upstream.calls()).toBe(before);
  });
});

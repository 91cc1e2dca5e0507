/**
 * DashboardHost over the real data source (ProxyDashboardSource) and a real proxy (fake upstream, `openai` SDK):
 * the protocol round trips the webview relies on, live batching, errors, and the detail view's
 * cost breakdown cross-checked against the proxy's own ledger.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Polls with room for a busy shared machine (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });
import { LiveEvents } from '../../extension/src/client/liveEvents';
import { ProxyClient } from '../../extension/src/client/proxyClient';
import { DashboardHost } from '../../extension/src/dashboard/host';
import { ProxyDashboardSource } from '../../extension/src/dashboard/proxySource';
import { OwnStreamSource } from './support/proxySuite';
import type { ConnectionState, HostToWebviewMessage, ResponseMessage } from '../../webview/src/protocol';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
let source: OwnStreamSource;
let host: DashboardHost;
const posted: HostToWebviewMessage[] = [];
const copied: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  source = new OwnStreamSource(`${harness.proxy.url}/`, harness.proxy.adminToken);
  host = new DashboardHost({ source, view: 'panel', post: (m) => void posted.push(m), copy: (t) => void copied.push(t), batchMs: 30 });
});

afterAll(async () => {
  host?.dispose();
  source?.dispose();
  await harness?.close();
});

async function ask(message: unknown): Promise<ResponseMessage> {
  const before = posted.length;
  await host.handle(message);
  const r = posted.slice(before).find((m): m is ResponseMessage => m.kind === 'response');
  if (!r) throw new Error('no response posted');
  return r;
}

const client = () => new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-host', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'host-test' } });

describe('DashboardHost', () => {
  it('answers ready with init (proxy URL without trailing slash) and ignores malformed messages', async () => {
    await host.handle({ kind: 'command', type: 'ready' });
    const init = posted.find((m) => m.kind === 'notification' && m.type === 'init');
    expect(init).toMatchObject({ proxyUrl: harness.proxy.url, view: 'panel' });
    const n = posted.length;
    await host.handle({ kind: 'request', type: 'calls/page' }); // no id, no params
    await host.handle('hello');
    await host.handle({ kind: 'command', type: 'rm -rf' });
    expect(posted.length).toBe(n);
    await host.handle({ kind: 'command', type: 'copy', text: 'http://127.0.0.1/v1' });
    expect(copied).toEqual(['http://127.0.0.1/v1']);
  });

  it('pushes every call the proxy records as calls/appended', async () => {
    await poll(() => source.connection.state).toBe('connected');
    const before = posted.length;
    await Promise.all([0, 1, 2].map((i) => client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `live ${i}` }] })));
    await poll(() => posted.slice(before).flatMap((m) => (m.kind === 'notification' && m.type === 'calls/appended' ? m.calls : [])).length).toBe(3);
  });

  it('pages calls with filters through the proxy', async () => {
    const r = await ask({ kind: 'request', id: 1, type: 'calls/page', params: { feature: 'host-test', limit: 2 } });
    expect(r.ok && r.type === 'calls/page').toBe(true);
    if (!r.ok || r.type !== 'calls/page') return;
    expect(r.id).toBe(1);
    expect(r.result.total).toBe(3);
    expect(r.result.calls).toHaveLength(2);
    expect(r.result.calls.every((c) => c.tags.feature === 'host-test')).toBe(true);
    const next = await ask({ kind: 'request', id: 2, type: 'calls/page', params: { feature: 'host-test', limit: 2, before: r.result.nextBefore } });
    if (!next.ok || next.type !== 'calls/page') throw new Error('page 2 failed');
    expect(next.result.calls).toHaveLength(1);
    expect(next.result.nextBefore).toBeUndefined();
  });

  it('returns a call with a cost breakdown that adds up to what the proxy charged', async () => {
    const page = await source.listCalls({ feature: 'host-test', limit: 1 });
    const id = page.calls[0]!.id;
    const r = await ask({ kind: 'request', id: 3, type: 'call/detail', params: { callId: id } });
    if (!r.ok || r.type !== 'call/detail') throw new Error(JSON.stringify(r));
    const { call, breakdown } = r.result;
    expect(call.id).toBe(id);
    expect(breakdown.priced).toBe(true);
    expect(breakdown.wouldHaveCost).toBe(false);
    expect(breakdown.inputUsd + breakdown.outputUsd).toBeCloseTo(breakdown.totalUsd, 12);
    expect(breakdown.totalUsd).toBeCloseTo(call.costUsd, 10);
  });

  it('answers a failing request with ok:false and the proxy’s message', async () => {
    const r = await ask({ kind: 'request', id: 4, type: 'call/detail', params: { callId: 999_999 } });
    expect(r).toMatchObject({ kind: 'response', id: 4, ok: false });
    if (!r.ok) expect(r.error).toContain('no call with id 999999');
    const evict = await ask({ kind: 'request', id: 5, type: 'cache/evict', params: { entryId: 424_242 } });
    expect(evict.ok).toBe(false);
  });

  it('refuses an id that is not a call or entry id instead of putting it into a proxy path', async () => {
    // ".." went into /tollgate/calls/.. — which URL parsing turns into /tollgate/ — and "3/x" or 1.5 to the proxy as typed.
    for (const [type, params] of [
      ['call/detail', { callId: '..' }],
      ['call/detail', { callId: 1.5 }],
      ['cache/evict', { entryId: '..' }],
      ['cache/evict', { entryId: -1 }],
      ['router/feedback', { callId: '../calls', verdict: 'bigger' }],
    ] as const) {
      const r = await ask({ kind: 'request', id: 90, type, params });
      expect(r, `${type} ${JSON.stringify(params)}`).toMatchObject({ ok: false });
      expect((r as { error: string }).error).toMatch(/must be a positive whole number/);
    }
  });

  it('summarises by a dimension with buckets, and lists budgets', async () => {
    const from = Date.now() - 3_600_000;
    const r = await ask({ kind: 'request', id: 6, type: 'summary', params: { from, to: Date.now() + 1, by: 'feature', bucketMs: 60_000 } });
    if (!r.ok || r.type !== 'summary') throw new Error(JSON.stringify(r));
    expect(r.result.by.find((b) => b.key === 'host-test')?.calls).toBe(3);
    expect(r.result.series?.reduce((n, b) => n + b.calls, 0)).toBe(r.result.totals.calls);
    const b = await ask({ kind: 'request', id: 7, type: 'budgets', params: {} });
    expect(b.ok && Array.isArray(b.result)).toBe(true);
  });
});

describe('ProxyDashboardSource', () => {
  it('reports the event stream offline when the proxy is unreachable, and never leaks the token', async () => {
    const closed = await startHarness();
    const url = closed.proxy.url;
    await closed.close();
    const s = new OwnStreamSource(url, 'secret-admin-token', 50);
    const states: ConnectionState[] = [];
    s.onConnection((c) => states.push(c));
    s.onCall(() => undefined);
    try {
      await poll(() => states.some((c) => c.state === 'offline')).toBe(true);
      const err = await s.listCalls({}).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain('not reachable');
      expect(JSON.stringify(states) + (err as Error).message).not.toContain('secret-admin-token');
    } finally {
      s.dispose();
    }
  });

  it('moves its listeners to the new stream when the controller replaces it, once each', async () => {
    const closed = await startHarness();
    const deadUrl = closed.proxy.url;
    await closed.close();
    // What the proxy controller does when the proxy comes back on another port: new client, new stream.
    const link = { api: new ProxyClient(deadUrl, 'old'), events: new LiveEvents({ proxyUrl: deadUrl, adminToken: 'old', reconnectDelayMs: 50 }) };
    const s = new ProxyDashboardSource(link);
    const seen: string[] = [];
    const states: string[] = [];
    s.onConnection((c) => states.push(c.state));
    s.onCall(() => undefined).dispose(); // a listener that left: the next one must not get calls twice
    s.onCall((c) => seen.push(c.tags.feature ?? ''));
    try {
      await poll(() => states.includes('offline')).toBe(true);
      link.events.dispose();
      link.events = new LiveEvents({ proxyUrl: harness.proxy.url, adminToken: harness.proxy.adminToken, reconnectDelayMs: 50 });
      link.api = new ProxyClient(harness.proxy.url, harness.proxy.adminToken);
      expect(s.proxyUrl).toBe(harness.proxy.url);
      await poll(() => states.at(-1)).toBe('connected');
      const send = (feature: string) => new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-host', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': feature } }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: feature }] });
      await send('after-restart');
      await poll(() => seen.length).toBe(1);
      expect((await s.listCalls({ feature: 'after-restart' })).total).toBe(1);
      // Events arrive in order on one stream: a duplicate of the first call would come before the second.
      await send('second');
      await poll(() => seen.at(-1)).toBe('second');
      expect(seen).toEqual(['after-restart', 'second']);
    } finally {
      s.dispose();
      link.events.dispose();
    }
  });
});

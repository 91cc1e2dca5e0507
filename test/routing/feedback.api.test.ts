/**
 * The dashboard labelling round trip at the API level, on a real proxy with a policy file: a
 * routed call → POST /tollgate/router/feedback → a line in .tollgate/router-exemplars.tsv → the
 * bundled USE-lite model embeds it → the same prompt is now routed by that exemplar, and the route
 * header says so. Only the provider is fake.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { adjacentTier } from '../../proxy/src/routing/teamExemplars';
import type { Tier } from '../../proxy/src/policy/schema';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 100 });

let upstream: FakeUpstream;
let proxy: RunningProxy;
let dir: string;
let exemplarsFile: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-router-feedback-'));
  mkdirSync(join(dir, 'repo', '.tollgate'), { recursive: true });
  const policyFile = join(dir, 'repo', '.tollgate', 'policy.yaml');
  exemplarsFile = join(dir, 'repo', '.tollgate', 'router-exemplars.tsv');
  writeFileSync(
    policyFile,
    JSON.stringify({
      providers: { openai: { baseUrl: upstream.openaiBaseUrl } },
      cache: { enabled: false },
      routing: { tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } },
    }),
  );
  proxy = await startProxy({ port: 0, dataDir: join(dir, 'data'), policyFile, watchPolicy: false, env: {} });
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function chat(content: string): Promise<{ route: string; status: number }> {
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }] }),
  });
  await res.json();
  return { route: res.headers.get('x-tollgate-route') ?? '', status: res.status };
}

async function feedback(body: unknown, token = proxy.adminToken): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${proxy.url}/tollgate/router/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const lastCallId = async (): Promise<number> => {
  const page = (await (await fetch(`${proxy.url}/tollgate/calls?limit=1`, { headers: { authorization: `Bearer ${proxy.adminToken}` } })).json()) as { calls: Array<{ id: number }> };
  return page.calls[0]!.id;
};

describe('router feedback → team exemplar → live routing', () => {
  const PROMPT = 'Summarise the trade-offs of our internal billing reconciliation job in two sentences.';

  it('rejects bad input clearly and needs the admin token', async () => {
    expect((await feedback({ callId: 1, verdict: 'bigger' }, 'wrong')).status).toBe(401);
    const bad = await feedback({ callId: 'x', verdict: 'bigger' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/callId must be a positive integer/);
    expect((await feedback({ callId: 1, verdict: 'much bigger' })).json).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect((await feedback({ callId: 999_999, verdict: 'bigger' })).status).toBe(404);
  });

  it('a verdict on a routed call writes the exemplar, and the next identical prompt follows it', async () => {
    const first = await chat(PROMPT);
    expect(first.status).toBe(200);
    const routed = first.route.split(';')[0] as Tier;
    expect(['small', 'medium', 'large']).toContain(routed);
    const verdict = routed === 'large' ? 'smaller' : 'bigger';
    const want = adjacentTier(routed, verdict);

    const r = await feedback({ callId: await lastCallId(), verdict });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ written: true, tier: want, exemplars: 1 });
    const file = readFileSync(exemplarsFile, 'utf8');
    expect(file).toContain(`${PROMPT}\t${want}\tdashboard: routed ${routed}`);

    // The exemplar is embedded in the background by the real USE-lite model.
    await poll(async () => ((await (await fetch(`${proxy.url}/tollgate/router/exemplars`, { headers: { authorization: `Bearer ${proxy.adminToken}` } })).json()) as { loaded: number }).loaded).toBe(1);
    // The router's own embedder may still be warming up on the request path: ask until it answers.
    await poll(async () => (await chat(PROMPT)).route).toMatch(new RegExp(`^${want}; p=[01]\\.\\d\\d/[01]\\.\\d\\d; by=exemplars:1@1\\.00; rule=auto$`));
  });

  it('a call that was not routed cannot be labelled', async () => {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'plain call' }] }),
    });
    await res.json();
    const r = await feedback({ callId: await lastCallId(), verdict: 'bigger' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/not routed/);
  });
});

/**
 * Every route the docs show — `GET /tollgate/calls`, `DELETE /tollgate/cache/entries/:id`,
 * `POST/GET /v1/files`, `/v1/vector_stores…` — is served by a real proxy (in front of the fake
 * provider): it may answer 400 or 404 for a made-up id, but never the proxy's own "does not serve"
 * 404 for an unknown route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { codeSpans, docFiles, type Snippet } from './docText';

type Method = 'GET' | 'POST' | 'DELETE';
interface DocRoute {
  where: string;
  methods: Method[];
  path: string;
}

/** `GET /tollgate/calls`, `POST/GET /v1/batches`, `DELETE /v1/files/:id`, `/v1/files…` (any method). */
function routes(spans: Snippet[]): DocRoute[] {
  const out: DocRoute[] = [];
  for (const s of spans) {
    const m = /^(?:((?:GET|POST|DELETE)(?:\/(?:GET|POST|DELETE))*)\s+)?(\/(?:v1|tollgate)\/[^\s?`]*|\/healthz|\/metrics)/.exec(s.text);
    if (!m) continue;
    // `/v1/files…` and `/v1/uploads` name a family: its base path is served.
    const path = m[2]!.replace(/…$/, '').replace(/\/$/, '');
    if (path.includes('…') || path.includes('*') || path === '/tollgate') continue;
    out.push({ where: s.where, methods: m[1] ? (m[1].split('/') as Method[]) : [], path });
  }
  return out;
}

const UNKNOWN = 'does not serve';

describe('routes named in the docs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function answer(method: Method, path: string): Promise<{ status: number; body: string }> {
    const url = h.proxy.url + path.replace(/:\w+|\{\w+\}/g, '1');
    const r = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${h.proxy.adminToken}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body: '{}' } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    // An event stream never ends: its status is the answer.
    if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await r.body?.cancel();
      return { status: r.status, body: '' };
    }
    return { status: r.status, body: await r.text() };
  }

  it('finds the routes, and an unknown one is told apart', async () => {
    const all = docFiles.flatMap((f) => routes(codeSpans(f)));
    expect(all.filter((r) => r.path.startsWith('/tollgate/')).length).toBeGreaterThan(15);
    expect(all.filter((r) => r.path.startsWith('/v1/')).length).toBeGreaterThan(15);
    expect(routes([{ where: 'x', text: 'POST/GET /v1/batches' }, { where: 'x', text: '/v1/files…' }])).toEqual([
      { where: 'x', methods: ['POST', 'GET'], path: '/v1/batches' },
      { where: 'x', methods: [], path: '/v1/files' },
    ]);
    expect((await answer('GET', '/tollgate/callz')).body).toContain(UNKNOWN);
    expect((await answer('DELETE', '/tollgate/calls')).body).toContain(UNKNOWN);
    expect((await answer('POST', '/v1/chat/complete')).body).toContain(UNKNOWN);
    expect((await answer('DELETE', '/v1/messages/batches/1/cancel')).body).toContain(UNKNOWN);
    expect((await answer('GET', '/tollgate/calls')).status).toBe(200);
  });

  for (const f of docFiles) {
    const list = routes(codeSpans(f));
    if (list.length === 0) continue;
    it(`${f}: every route it names is served`, async () => {
      const unserved: string[] = [];
      for (const r of list) {
        if (r.methods.length > 0) {
          for (const m of r.methods) if ((await answer(m, r.path)).body.includes(UNKNOWN)) unserved.push(`${r.where}: ${m} ${r.path}`);
        } else {
          let served = false;
          for (const m of ['GET', 'POST', 'DELETE'] as const) if (!(await answer(m, r.path)).body.includes(UNKNOWN)) served = true;
          if (!served) unserved.push(`${r.where}: ${r.path}`);
        }
      }
      expect(unserved).toEqual([]);
    });
  }
});

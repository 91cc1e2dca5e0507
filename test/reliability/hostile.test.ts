/**
 * Hostile input, property-based (fast-check) over every endpoint: malformed and deeply nested JSON,
 * invalid UTF-8, enormous strings, wrong types for every field, CR/LF header injection, foreign Host
 * headers, admin calls without the token or from a browser. Each case: the right status and the
 * route's error shape, never an internal error, the proxy still answers /healthz, and memory stays bounded.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './support';

const POST_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/messages', '/v1/messages/count_tokens'] as const;
const MAX_BODY = 256 * 1024;
const RUNS = 40;

let rig: Rig;
let rssBefore = 0;

beforeAll(async () => {
  rig = await startRig({ policy: { retries: { attempts: 0 }, server: { maxBodyBytes: MAX_BODY } } });
  // Warm up once so lazily loaded modules (tokenizer, SDK paths) are in the baseline.
  await send('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'warm up' }] }));
  // The proxy warms its token worker in the background at start; its tokenizer ranks belong in the baseline too.
  await rig.proxy.services.tokens.count('gpt-4o-mini', undefined, ['warm up']);
  await rig.proxy.services.tokens.count('claude-3-5-haiku-latest', undefined, ['warm up']);
  rssBefore = process.memoryUsage().rss;
});
afterAll(async () => rig?.close());

interface Reply {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

async function send(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const r = await request(`${rig.proxy.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-hostile', 'x-api-key': 'sk-ant-hostile', ...headers },
  });
  const text = await r.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* SSE or plain text from the upstream */
  }
  return { status: r.statusCode, body: parsed, headers: r.headers };
}

/** The error shape of the route's protocol: Anthropic `{type:'error',error:{type,message}}`, else OpenAI `{error:{message,type}}`. */
function expectErrorShape(path: string, body: unknown) {
  const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  if (path.startsWith('/v1/messages')) expect(b.type, JSON.stringify(body).slice(0, 300)).toBe('error');
  expect(typeof b.error?.type, JSON.stringify(body).slice(0, 300)).toBe('string');
  expect(typeof b.error?.message).toBe('string');
}

const internalErrors = () =>
  (rig.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM calls WHERE error_type = 'internal_error' OR status = 500 AND error_type IS NULL").get() as { n: number }).n;

const endpoint = fc.constantFrom(...POST_ENDPOINTS);

describe('malformed bodies', () => {
  it('any text that is not a JSON object gets a 400 in the route’s error shape', async () => {
    const notAnObject = fc
      .oneof(fc.string({ maxLength: 200 }), fc.json().filter((j) => !j.trim().startsWith('{')), fc.string().map((s) => `{"model": ${s}`))
      .filter((s) => {
        try {
          const v: unknown = JSON.parse(s);
          return v === null || typeof v !== 'object' || Array.isArray(v);
        } catch {
          return true;
        }
      });
    await fc.assert(
      fc.asyncProperty(endpoint, notAnObject, async (path, body) => {
        const r = await send(path, body);
        expect(r.status).toBe(400);
        expectErrorShape(path, r.body);
      }),
      { numRuns: RUNS },
    );
  });

  it('deeply nested JSON (65 to 100k levels, arrays or objects, anywhere in the body) gets a 400, never a stack overflow', async () => {
    const nest = fc.record({ depth: fc.integer({ min: 65, max: 100_000 }), kind: fc.constantFrom('array', 'object'), where: fc.constantFrom('top', 'content', 'metadata') });
    await fc.assert(
      fc.asyncProperty(endpoint, nest, async (path, { depth, kind, where }) => {
        const open = kind === 'array' ? '[' : '{"a":';
        const close = kind === 'array' ? ']' : '}';
        const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const body =
          where === 'top'
            ? `{"model":"gpt-4o-mini","x":${deep}}`
            : where === 'content'
              ? `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${deep}}],"input":${deep}}`
              : `{"model":"gpt-4o-mini","metadata":${deep}}`;
        const r = await send(path, body);
        expect(r.status).toBe(body.length > MAX_BODY ? 413 : 400);
        expectErrorShape(path, r.body);
      }),
      { numRuns: RUNS },
    );
  });

  it('bodies over the limit get a 413 naming it, on every route', async () => {
    for (const path of POST_ENDPOINTS) {
      const r = await send(path, JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y'.repeat(MAX_BODY) }] }));
      expect(r.status).toBe(413);
      expectErrorShape(path, r.body);
      expect(JSON.stringify(r.body)).toContain(String(MAX_BODY));
    }
  });
});

describe('wrong types and odd bytes', () => {
  const anyValue = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 50 }),
    fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxKeys: 3 }),
  );
  const FIELDS = ['messages', 'stream', 'stream_options', 'max_tokens', 'temperature', 'input', 'prompt', 'tools', 'metadata', 'user', 'system', 'n', 'seed', 'instructions', 'dimensions'];

  it('a non-string or empty model is a 400 on every billable route', async () => {
    await fc.assert(
      fc.asyncProperty(endpoint, anyValue.filter((v) => typeof v !== 'string' || v.trim() === ''), async (path, model) => {
        const r = await send(path, JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], input: 'hi', prompt: 'hi' }));
        expect(r.status).toBe(400);
        expectErrorShape(path, r.body);
      }),
      { numRuns: RUNS },
    );
  });

  it('any type in any other field never causes an internal error: a 4xx in the right shape, or the upstream’s answer', async () => {
    const before = internalErrors();
    await fc.assert(
      fc.asyncProperty(endpoint, fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { minKeys: 1, maxKeys: 5 }), async (path, fields) => {
        const r = await send(path, JSON.stringify({ model: 'gpt-4o-mini', ...fields }));
        if (r.status >= 400) expectErrorShape(path, r.body);
        expect((r.body as { error?: { type?: string } })?.error?.type).not.toBe('internal_error');
        if (fields.stream !== undefined && typeof fields.stream !== 'boolean') expect(r.status).toBe(400);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(internalErrors()).toBe(before);
  });

  it('invalid UTF-8 inside JSON strings is a 400 (never rewritten to U+FFFD and forwarded); no internal error', async () => {
    const bad = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b.map((x) => x | 0x80)));
    const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Buffer) => {
      try {
        strictUtf8.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const before = internalErrors();
    await fc.assert(
      fc.asyncProperty(endpoint, bad, async (path, bytes) => {
        const body = Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), bytes, Buffer.from('"}],"input":"x","prompt":"x"}')]);
        const r = await send(path, body);
        expect(r.status).not.toBe(500);
        if (r.status >= 400) expectErrorShape(path, r.body);
        // Decoded leniently, two different invalid byte runs became one prompt (and one cache key).
        if (!valid(bytes)) expect([r.status, JSON.stringify(r.body)]).toEqual([400, expect.stringContaining('not valid UTF-8')]);
        // Invalid bytes as a raw JSON token (outside any string) are a parse error.
        const r2 = await send(path, Buffer.concat([Buffer.from('{"model":'), bytes, Buffer.from('}')]));
        expect(r2.status).toBe(400);
        expectErrorShape(path, r2.body);
      }),
      { numRuns: RUNS },
    );
    expect(internalErrors()).toBe(before);
  });

  it('enormous strings just under the limit are accepted and forwarded whole', async () => {
    const big = 'z'.repeat(MAX_BODY - 1_000);
    const r = await send('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: big }] }));
    expect(r.status).toBe(200);
    const last = rig.upstream.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    expect(last.messages[0]!.content).toBe(big);
  });
});

/** Raw HTTP on a socket, because HTTP clients refuse to send CR/LF in header values. */
function rawRequest(lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(rig.proxy.port, '127.0.0.1');
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (out += d));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    // No half-close: the server would drop the request; `Connection: close` ends the exchange.
    s.setTimeout(15_000, () => s.destroy());
    s.write(lines.join('\r\n'));
  });
}

describe('headers', () => {
  it('CR/LF, NUL and bare-LF in tag headers never inject a header nor reach the ledger', async () => {
    const injected = fc
      .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\r\n', '\n', '\r', '\0', '\r\n\r\n'), fc.string({ maxLength: 10 }))
      .map(([a, sep, b]) => `${a}${sep}x-injected: evil${b}`);
    const rowsBefore = (rig.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('x-tollgate-team', 'x-tollgate-feature', 'x-tollgate-user', 'x-tollgate-cache', 'x-tollgate-provider'), injected, async (name, value) => {
        const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'inject' }] });
        const reply = await rawRequest([
          'POST /v1/chat/completions HTTP/1.1',
          `Host: 127.0.0.1:${rig.proxy.port}`,
          'Content-Type: application/json',
          'Authorization: Bearer sk-hostile',
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Connection: close',
          `${name}: ${value}`,
          '',
          body,
        ]);
        const head = reply.split('\r\n\r\n')[0] ?? '';
        expect(head).toMatch(/^HTTP\/1\.1 \d{3}/);
        expect(head.toLowerCase()).not.toContain('x-injected');
      }),
      { numRuns: RUNS },
    );
    const tagged = rig.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM calls WHERE instr(COALESCE(team,'') || COALESCE(feature,'') || COALESCE(user,''), 'injected') > 0 OR instr(COALESCE(team,'') || COALESCE(feature,'') || COALESCE(user,''), char(10)) > 0 OR instr(COALESCE(team,'') || COALESCE(feature,'') || COALESCE(user,''), char(13)) > 0").get() as { n: number };
    expect(tagged.n).toBe(0);
    expect((rig.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n).toBeGreaterThanOrEqual(rowsBefore);
  });

  it('any Host that is not a loopback name is refused with 403 in the route’s shape (DNS rebinding)', async () => {
    const foreign = fc.oneof(fc.domain(), fc.ipV4().filter((ip) => ip !== '127.0.0.1'), fc.constant('localhost.evil.com'), fc.constant('127.0.0.1.nip.io'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ENDPOINTS, '/tollgate/calls', '/healthz', '/metrics'), foreign, fc.boolean(), async (path, host, withPort) => {
        const r = await request(`${rig.proxy.url}${path}`, {
          method: path.startsWith('/v1') ? 'POST' : 'GET',
          headers: { host: withPort ? `${host}:${rig.proxy.port}` : host, 'content-type': 'application/json', authorization: 'Bearer sk-hostile' },
          ...(path.startsWith('/v1') ? { body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"rebind"}]}' } : {}),
        });
        expect(r.statusCode).toBe(403);
        expectErrorShape(path, await r.body.json());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('local API', () => {
  it('GET /tollgate/* with hostile query strings never errors internally', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/tollgate/calls', '/tollgate/summary', '/tollgate/budgets', '/tollgate/calls/'),
        fc.dictionary(fc.constantFrom('limit', 'before', 'since', 'until', 'team', 'model', 'cache', 'groupBy', 'bucket', 'status', 'q'), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        fc.string({ maxLength: 20 }),
        async (path, query, tail) => {
          const url = `${rig.proxy.url}${path}${path.endsWith('/') ? encodeURIComponent(tail || 'x') : ''}?${new URLSearchParams(query).toString()}`;
          const r = await request(url, { headers: { authorization: `Bearer ${rig.proxy.adminToken}` } });
          const text = await r.body.text();
          expect(r.statusCode).toBeLessThan(500);
          expect(r.statusCode).not.toBe(401);
          expect(() => JSON.parse(text) as unknown).not.toThrow();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('state-changing calls refuse a missing or wrong token (401) and any browser origin even with the token (403)', async () => {
    const countBefore = rig.proxy.services.exactCache.count();
    expect(countBefore).toBeGreaterThan(0);
    const calls = [
      { method: 'POST' as const, path: '/tollgate/cache/clear' },
      { method: 'DELETE' as const, path: '/tollgate/cache/entries/1' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...calls), fc.option(fc.string({ maxLength: 60 }), { nil: undefined }), async (c, token) => {
        const auth = token === undefined ? {} : { authorization: `Bearer ${token}` };
        const r = await request(`${rig.proxy.url}${c.path}`, { method: c.method, headers: auth });
        expect(r.statusCode).toBe(401);
        expectErrorShape('/tollgate', await r.body.json());
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.oneof(
          fc.webUrl().map((u) => ({ origin: new URL(u).origin })),
          fc.constant({ origin: 'null' }),
          fc.constantFrom('same-origin', 'same-site', 'cross-site').map((s) => ({ 'sec-fetch-site': s })),
        ),
        async (c, browser) => {
          const r = await request(`${rig.proxy.url}${c.path}`, { method: c.method, headers: { authorization: `Bearer ${rig.proxy.adminToken}`, ...browser } });
          expect(r.statusCode).toBe(403);
          expectErrorShape('/tollgate', await r.body.json());
        },
      ),
      { numRuns: RUNS },
    );
    expect(rig.proxy.services.exactCache.count()).toBe(countBefore);
  });
});

describe('afterwards', () => {
  it('the proxy still answers /healthz, recorded no internal errors, and RSS stayed within 3x of the warm baseline', async () => {
    const r = await request(`${rig.proxy.url}/healthz`);
    expect(r.statusCode).toBe(200);
    expect(((await r.body.json()) as { status: string }).status).toBe('ok');
    expect(internalErrors()).toBe(0);
    const ratio = process.memoryUsage().rss / rssBefore;
    console.log(`hostile-input RSS after/before = ${ratio.toFixed(2)}`);
    expect(ratio).toBeLessThan(3);
  });
});

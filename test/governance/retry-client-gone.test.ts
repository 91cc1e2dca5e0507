/**
 * A client that leaves while the proxy waits out a retry's backoff: the wait ends at its abort and
 * no further upstream attempt is made (it would be generated, and billed, for nobody). The upstream
 * 503s with a `retry-after` within maxBackoffMs. Before the fix the proxy slept it out (holding the
 * call, its budget reservation and its connection), then wrote a 499 row for an attempt it never
 * made. The call ends when its budget reservation is released (the admit stage's `finally`): the
 * test waits for that, not for a clock, and the retry-after is longer than the test's timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

interface Row {
  status: number;
  error_type: string | null;
  attempt: number;
}

let server: Server;
let upstreamUrl = '';
let seen = 0;
let h: Harness;

beforeAll(async () => {
  // OpenAI's wire shape for an overloaded server: JSON error body, request id, retry-after.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen += 1;
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30', 'x-request-id': `req_busy_${seen}` });
      res.end(JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  h = await startHarness({ retries: { attempts: 2, backoffMs: 100, maxBackoffMs: 60_000 }, budgets: [{ name: 'daily', period: 'day', usd: 100, action: 'block' }] }, { openai: { baseUrl: upstreamUrl } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const rows = (): Row[] => h.proxy.services.db.prepare('SELECT status, error_type, attempt FROM calls ORDER BY attempt').all() as unknown as Row[];
const openReservations = (): number => (h.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'").get() as { n: number }).n;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a client gone during a retry backoff', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: the wait ends, no second upstream call, the attempt's row is written once`, async () => {
      seen = 0;
      h.proxy.services.db.prepare('DELETE FROM calls').run();
      const client = new OpenAI({ baseURL: `${h.proxy.url}/v1`, apiKey: 'sk-gone', maxRetries: 0 });
      const ac = new AbortController();
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `busy ${stream}` }] };
      const call = (stream ? client.chat.completions.create({ ...body, stream: true }, { signal: ac.signal }) : client.chat.completions.create(body, { signal: ac.signal })).then(
        () => 'resolved',
        (e: unknown) => (e as Error).constructor.name,
      );
      // The first attempt's 503 row is written before the backoff starts.
      while (rows().length === 0) await tick(10);
      expect(openReservations()).toBe(1); // the call is waiting, not over
      ac.abort();
      expect(await call).toMatch(/Abort/);
      // The call is over once its reservation is settled (before the fix: 30 s later, past the timeout).
      while (openReservations() > 0) await tick(10);
      expect(seen).toBe(1);
      expect(rows()).toEqual([{ status: 503, error_type: 'upstream_503', attempt: 1 }]);
    }, 10_000);
  }
});

/**
 * `http://localhost:<port>/v1` where localhost resolves to ::1 first (most Linux /etc/hosts, macOS).
 * Clients that try only the first address — Node 18 and older, Java's HttpURLConnection — got
 * ECONNREFUSED ::1:<port> from a proxy bound to 127.0.0.1 alone. Node 20+, Python and curl fall back
 * to 127.0.0.1 and were fine. The Host check must hold on either address.
 */
import { request, type IncomingMessage, type RequestOptions } from 'node:http';
import { createServer, type LookupFunction } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { freePort } from '../support/freePort';

/** localhost as /etc/hosts with `::1 localhost` first answers it. */
const v6First: LookupFunction = (_host, options, callback) => {
  const cb = callback as unknown as (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
  if ((options as { all?: boolean }).all) cb(null, [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]);
  else cb(null, '::1', 6);
};

/** One GET the way a client without address fallback sends it (no keep-alive agent reuse). */
function get(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // autoSelectFamily: false is how Node 18 connects (Node 20 tries the next address); the types lack it.
    const options: RequestOptions & { autoSelectFamily: boolean } = { host, port, path, lookup: v6First, autoSelectFamily: false, agent: false, headers };
    const req = request(options, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ipv6 = await new Promise<boolean>((resolve) => {
  const s = createServer().once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

describe.skipIf(!ipv6)('localhost resolving to ::1 first', () => {
  let proxy: RunningProxy;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-v6-'));
    proxy = await startProxy({ port: 0, dataDir, env: {} });
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client that tries only the first address reaches the proxy', async () => {
    const r = await get(proxy.port, '/healthz', 'localhost');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok' });
  });

  it('the Host check still refuses a foreign name over ::1, and takes [::1]', async () => {
    const foreign = await get(proxy.port, '/v1/models', 'localhost', { host: `attacker.example:${proxy.port}` });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('only answers requests addressed to localhost');
    const bracketed = await get(proxy.port, '/healthz', 'localhost', { host: `[::1]:${proxy.port}` });
    expect(bracketed.status).toBe(200);
  });

  it('another program on [::1]:<port> does not stop the start, and is named in the log', async () => {
    const port = await freePort();
    const other = createServer();
    const taken = await new Promise<boolean>((resolve) => {
      other.once('error', () => resolve(false));
      other.listen({ port, host: '::1', ipv6Only: true }, () => resolve(true));
    });
    if (!taken) return; // the port went elsewhere meanwhile: nothing to check
    const warnings: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-v6-'));
    const p = await startProxy({ port, dataDir: dir, env: {}, log: { info() {}, warn: (l) => void warnings.push(l), error() {} } });
    try {
      expect(p.port).toBe(port);
      expect(warnings.join('\n')).toContain(`another program listens on [::1]:${port}`);
    } finally {
      await p.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

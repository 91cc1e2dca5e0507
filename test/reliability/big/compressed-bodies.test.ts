/**
 * Compressed request bodies at the edge: a decompression bomb (a few MB of gzip that inflates to
 * gigabytes) is refused with a provider-style 413 naming the limit and its setting, and the proxy
 * stops inflating it once the limit is passed (before the fix the decoder went on inflating the
 * whole bomb in the background after the 413 had been sent: seconds of CPU for one request).
 */
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retries: { attempts: 0 } });
}, 60_000);
afterAll(async () => h?.close());

/** gzip members can be concatenated (RFC 1952): one 64 MiB member of JSON whitespace, repeated. */
function gzipBomb(members: number): Buffer {
  const head = gzipSync('{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]');
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  return Buffer.concat([head, ...Array.from({ length: members }, () => member)]);
}

/** CPU time (all threads of this process: the proxy runs in it, zlib in its thread pool) over `ms`. */
async function cpuOver(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (performance.now() - t0);
}

describe('a gzip decompression bomb', () => {
  it('is refused with a 413 naming server.maxBodyBytes, and inflating stops there', async () => {
    const bomb = gzipBomb(100); // ~6.5 MB on the wire, 6.4 GiB inflated
    expect(bomb.length).toBeLessThan(20 * 1024 * 1024); // under the limit as sent: only inflating passes it
    const idle = await cpuOver(1000);
    const r = await request(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      body: bomb,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer sk-test' },
    });
    const body = (await r.body.json()) as { error: { message: string; type: string } };
    expect(r.statusCode).toBe(413);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/20971520 bytes.*server\.maxBodyBytes/);
    // After the refusal the process is back to idle: well under one busy core, not inflating on.
    const after = await cpuOver(1000);
    expect(after, `CPU share after the 413 ${after.toFixed(2)} (idle ${idle.toFixed(2)})`).toBeLessThan(Math.max(0.2, idle * 5));
    expect(h.upstream.calls()).toBe(0);
  }, 60_000);
});

/**
 * Compressed request bodies at the edge: a decompression bomb (a few MB of gzip that inflates to
 * gigabytes) is refused with a provider-style 413 naming the limit and its setting, and the proxy
 * stops inflating it once the limit is passed (before the fix the decoder went on inflating the
 * whole bomb in the background after the 413 had been sent: seconds of CPU for one request).
 */
import type { Transform } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECODERS } from '../../../proxy/src/http/http';
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

/**
 * Work, not CPU time: the proxy's gzip decoders are wrapped to count the bytes they inflate and to
 * say when they close (a destroyed zlib stream stops inflating and closes; one left running goes on
 * to the bomb's end).
 */
const decoders: Array<{ stream: Transform; inflated: number; closed: Promise<void> }> = [];
const realGunzip = DECODERS.gzip!;
beforeAll(() => {
  (DECODERS as Record<string, () => Transform>).gzip = () => {
    const d = realGunzip();
    const seen = { stream: d, inflated: 0, closed: new Promise<void>((r) => d.once('close', () => r())) };
    const push = d.push.bind(d);
    d.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
      if (chunk) seen.inflated += chunk.length;
      return push(chunk, encoding);
    };
    decoders.push(seen);
    return d;
  };
});
afterAll(() => {
  (DECODERS as Record<string, () => Transform>).gzip = realGunzip;
});

describe('a gzip decompression bomb', () => {
  it('is refused with a 413 naming server.maxBodyBytes, and inflating stops there', async () => {
    const bomb = gzipBomb(100); // ~6.5 MB on the wire, 6.4 GiB inflated
    expect(bomb.length).toBeLessThan(20 * 1024 * 1024); // under the limit as sent: only inflating passes it
    const r = await request(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      body: bomb,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer sk-test' },
    });
    const body = (await r.body.json()) as { error: { message: string; type: string } };
    expect(r.statusCode).toBe(413);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/20971520 bytes.*server\.maxBodyBytes/);
    // After the refusal the decoder is stopped: it closes, having inflated about the limit (its last
    // output chunks past it), not the bomb's 6.4 GiB.
    expect(decoders).toHaveLength(1);
    expect(decoders[0]!.stream.destroyed).toBe(true);
    await decoders[0]!.closed;
    const limit = 20 * 1024 * 1024;
    expect(decoders[0]!.inflated).toBeGreaterThan(limit);
    expect(decoders[0]!.inflated, `${decoders[0]!.inflated} bytes inflated`).toBeLessThan(2 * limit);
    expect(h.upstream.calls()).toBe(0);
  }, 60_000);
});

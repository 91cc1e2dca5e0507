/**
 * GET /tollgate/summary?tz= on a running proxy: the dashboard sends the user's IANA zone and the day buckets
 * start at that zone's own midnights, the 23-hour spring-forward day included; a name no zone has is a 400
 * that says what to send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Summary } from '../../contract/api';
import { ProxyClient } from '../../extension/src/client/proxyClient';
import { ledgerRow } from '../support/ledgerRow';
import { type Harness, startHarness } from '../support/harness';

const DAY = 86_400_000;
const utc = (mo: number, d: number, h = 0, mi = 0) => Date.UTC(2026, mo - 1, d, h, mi);
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  // Berlin, 29 March 2026 (02:00 CET → 03:00 CEST): 29 March 00:30, 29 March 23:30, 30 March 00:30 local.
  for (const [i, ts] of [utc(3, 28, 23, 30), utc(3, 29, 21, 30), utc(3, 29, 22, 30)].entries()) {
    h.proxy.services.ledger.record(ledgerRow({ requestId: `route-tz${i}`, ts }));
  }
});
afterAll(async () => h?.close());

async function summary(query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.proxy.url}/tollgate/summary?${query}`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
  return { status: res.status, body: await res.json() };
}

describe('GET /tollgate/summary with tz', () => {
  it('day buckets start at Berlin midnights across spring forward', async () => {
    const { status, body } = await summary(`from=${utc(3, 28)}&to=${utc(3, 31)}&bucketMs=${DAY}&tz=Europe/Berlin`);
    expect(status).toBe(200);
    expect((body as Summary).series?.map((b) => [b.t, b.calls])).toEqual([
      [utc(3, 28, 23), 2],
      [utc(3, 29, 22), 1],
    ]);
  });

  it('the extension’s client passes the dashboard’s tz through', async () => {
    const s = await new ProxyClient(h.proxy.url, h.proxy.adminToken).summary({ from: utc(3, 28), to: utc(3, 31), bucketMs: DAY, tz: 'Europe/Berlin' });
    expect(s.series?.map((b) => b.t)).toEqual([utc(3, 28, 23), utc(3, 29, 22)]);
  });

  it('a name no zone has is a 400 naming it', async () => {
    const { status, body } = await summary(`bucketMs=${DAY}&tz=Mars/Base`);
    expect(status).toBe(400);
    expect((body as ApiError).error.message).toMatch(/tz must be an IANA time zone name.*"Mars\/Base"/);
  });
});

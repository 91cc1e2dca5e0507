/**
 * Spend-over-time buckets start at the user's local midnight (and local hours), not UTC's: with
 * day buckets a user in UTC−8 saw each "day" run from 4 pm to 4 pm. Older dashboards send their UTC
 * offset (`bucketOffsetMs`; today's send `tz=`, test/time/summary-tz-route.test.ts); the series timestamps stay UTC.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../contract/api';
import { startHarness, type Harness } from '../support/harness';

const DAY = 86_400_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const client = new OpenAI({ apiKey: 'sk-buckets', baseURL: h.openaiBaseUrl, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one bucket please' }], max_tokens: 8 });
});
afterAll(async () => h?.close());

async function summary(query: string): Promise<{ status: number; body: Summary }> {
  const res = await fetch(`${h.proxy.url}/tollgate/summary?${query}`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
  return { status: res.status, body: (await res.json()) as Summary };
}

describe('summary buckets in the client’s time zone', () => {
  it('a day bucket starts at the local midnight of the offset given', async () => {
    const ts = h.proxy.services.ledger.page({}, 1).calls[0]!.ts;
    const from = ts - 3 * DAY;
    const to = ts + DAY;
    for (const offset of [-8 * 3_600_000, 5.5 * 3_600_000, 0]) {
      const { status, body } = await summary(`from=${from}&to=${to}&bucketMs=${DAY}&bucketOffsetMs=${offset}`);
      expect(status).toBe(200);
      const bucket = body.series!.find((b) => b.calls > 0)!;
      // The bucket holding the call begins at that zone's midnight before the call.
      expect(bucket.t).toBe(Math.floor((ts + offset) / DAY) * DAY - offset);
      expect(bucket.t).toBeLessThanOrEqual(ts);
      expect(ts - bucket.t).toBeLessThan(DAY);
    }
  });

  it('refuses an offset no time zone has', async () => {
    const { status } = await summary(`bucketMs=${DAY}&bucketOffsetMs=${15 * 3_600_000}`);
    expect(status).toBe(400);
  });
});

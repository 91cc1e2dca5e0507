/**
 * The dashboard's spend chart in the user's own time zone: GET /tollgate/summary's series with `tz` (an IANA
 * name) starts its buckets at that zone's local hours and midnights, read on the proxy's read worker from a real
 * ledger file. One UTC offset per range (the old `bucketOffsetMs`) put a day across a DST change an hour off, and
 * left the rest of the folding to the browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { timeZoneProblem } from '../../proxy/src/ledger/ledgerReads';
import { ledgerRow } from '../support/ledgerRow';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

let dir: string;
let db: Db;
let ledger: Ledger;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-summary-tz-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
  ledger = new Ledger(db);
  const times = [
    // Berlin, spring forward (29 March 2026, 02:00 CET → 03:00 CEST): 29 March 00:30, 29 March 23:30, 30 March 00:30.
    utc(2026, 3, 28, 23, 30),
    utc(2026, 3, 29, 21, 30),
    utc(2026, 3, 29, 22, 30),
    // Berlin, fall back (25 October 2026, 03:00 CEST → 02:00 CET): 25 Oct 00:30, 02:30 CEST, 02:30 CET, 23:30; 26 Oct 00:30.
    utc(2026, 10, 24, 22, 30),
    utc(2026, 10, 25, 0, 30),
    utc(2026, 10, 25, 1, 30),
    utc(2026, 10, 25, 22, 30),
    utc(2026, 10, 25, 23, 30),
    // Kathmandu (+05:45): 4 Dec 15:59, 16:29, 16:31, 23:59; 5 Dec 00:00.
    utc(2026, 12, 4, 10, 14),
    utc(2026, 12, 4, 10, 44),
    utc(2026, 12, 4, 10, 46),
    utc(2026, 12, 4, 18, 14),
    utc(2026, 12, 4, 18, 15),
    // Santiago skips its midnight (6 Sept 2026, 24:00 −04 → 01:00 −03): 5 Sept 23:30, 6 Sept 01:30.
    utc(2026, 9, 6, 3, 30),
    utc(2026, 9, 6, 4, 30),
    // Havana repeats its midnight (1 Nov 2026, 01:00 CDT → 00:00 CST): 1 Nov 00:30 CDT, 00:30 CST.
    utc(2026, 11, 1, 4, 30),
    utc(2026, 11, 1, 5, 30),
  ];
  db.transaction(() => {
    for (const [i, ts] of times.entries()) ledger.insert(ledgerRow({ requestId: `tz${i}`, ts, costUsd: 0.001 * (i + 1) }));
  })();
});
afterAll(() => {
  ledger.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const series = async (tz: string, from: number, to: number, bucketMs: number) =>
  ((await ledger.summaryOffThread({ from, to, bucketMs, tz })).series ?? []).map((b) => [b.t, b.calls]);

describe('summary series in a time zone', () => {
  it('Berlin days across spring forward: the 23-hour day is one bucket from its local midnight', async () => {
    expect(await series('Europe/Berlin', utc(2026, 3, 28), utc(2026, 3, 31), DAY)).toEqual([
      [utc(2026, 3, 28, 23), 2],
      [utc(2026, 3, 29, 22), 1],
    ]);
  });

  it('Berlin days and hours across fall back: the 25-hour day is one bucket; the repeated 2 am is one hour, as Date names it', async () => {
    expect(await series('Europe/Berlin', utc(2026, 10, 24), utc(2026, 10, 27), DAY)).toEqual([
      [utc(2026, 10, 24, 22), 4],
      [utc(2026, 10, 25, 23), 1],
    ]);
    expect(await series('Europe/Berlin', utc(2026, 10, 24, 22), utc(2026, 10, 25, 3), HOUR)).toEqual([
      [utc(2026, 10, 24, 22), 1],
      [utc(2026, 10, 25, 0), 2],
    ]);
  });

  it('Kathmandu (+05:45): hours start at :15 UTC and days at 18:15 UTC', async () => {
    expect(await series('Asia/Kathmandu', utc(2026, 12, 4, 9), utc(2026, 12, 4, 12), HOUR)).toEqual([
      [utc(2026, 12, 4, 9, 15), 1],
      [utc(2026, 12, 4, 10, 15), 2],
    ]);
    expect(await series('Asia/Kathmandu', utc(2026, 12, 3), utc(2026, 12, 6), DAY)).toEqual([
      [utc(2026, 12, 3, 18, 15), 4],
      [utc(2026, 12, 4, 18, 15), 1],
    ]);
  });

  it('a skipped midnight starts the day at the change (Santiago); a repeated one at its first instance (Havana)', async () => {
    expect(await series('America/Santiago', utc(2026, 9, 5), utc(2026, 9, 7), DAY)).toEqual([
      [utc(2026, 9, 5, 4), 1],
      [utc(2026, 9, 6, 4), 1],
    ]);
    expect(await series('America/Havana', utc(2026, 10, 31), utc(2026, 11, 2), DAY)).toEqual([[utc(2026, 11, 1, 4), 2]]);
  });

  it('sums every call once and keeps minute buckets as they are (every offset is whole quarters)', async () => {
    const s = await ledger.summaryOffThread({ from: utc(2026, 12, 4), to: utc(2026, 12, 5), bucketMs: 60_000, tz: 'Asia/Kathmandu' });
    expect(s.series?.map((b) => b.t)).toEqual([utc(2026, 12, 4, 10, 14), utc(2026, 12, 4, 10, 44), utc(2026, 12, 4, 10, 46), utc(2026, 12, 4, 18, 14), utc(2026, 12, 4, 18, 15)]);
    const days = await ledger.summaryOffThread({ from: utc(2026, 3, 1), to: utc(2026, 12, 31), bucketMs: DAY, tz: 'Europe/Berlin' });
    expect(days.series?.reduce((n, b) => n + b.calls, 0)).toBe(days.totals.calls);
    expect(days.series?.reduce((n, b) => n + b.costUsd, 0)).toBeCloseTo(days.totals.costUsd, 9);
  });

  it('names what is wrong with a zone Intl does not know', () => {
    expect(timeZoneProblem('Asia/Kathmandu')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus_Mons')).toMatch(/tz must be an IANA time zone name.*"Mars\/Olympus_Mons"/);
  });
});

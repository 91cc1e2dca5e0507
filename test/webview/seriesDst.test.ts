/**
 * The spend and cache charts over a range that crosses a daylight-saving change: each day bucket
 * starts at that day's own local midnight and holds the calls of that local day (and each 6-hour
 * bucket its local quarter). The dashboard sent one UTC offset, the one at the range's end, so
 * every day before the change ran from 1 am to 1 am; it now sends its IANA zone and plots the
 * proxy's local buckets. A real ledger file, the proxy's own summary read with the query the
 * dashboard sends, the process time zone set as a user's machine has it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { bucketFor, chartSeries, seriesQuery } from '../../webview/src/charts/seriesData';
import { ledgerRow } from '../support/ledgerRow';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-series-dst-'));
const savedTz = process.env.TZ;
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
  rmSync(dir, { recursive: true, force: true });
});

// Clocks change at these UTC instants (2026): EU and US fall back on the last / first Sunday, EU springs forward,
// Lord Howe Island moves half an hour (its days before the change began at 23:30 when hours were summed into days).
// dayCalls: the calls of the 23- or 25-hour day (a call every 20 minutes).
const CHANGES = [
  { tz: 'Europe/Berlin', at: Date.UTC(2026, 9, 25, 1), dayCalls: 75 },
  { tz: 'America/New_York', at: Date.UTC(2026, 10, 1, 6), dayCalls: 75 },
  { tz: 'Europe/Berlin', at: Date.UTC(2026, 2, 29, 1), dayCalls: 69 },
  { tz: 'Australia/Lord_Howe', at: Date.UTC(2026, 3, 4, 15), dayCalls: undefined },
];

describe.each(CHANGES)('charts in $tz across the change at $at', ({ tz, at, dayCalls }) => {
  it.each([
    { range: '30-day', rangeMs: 30 * DAY },
    { range: '7-day', rangeMs: 7 * DAY },
  ])('the $range range: buckets start at local boundaries and hold that local span’s calls', ({ rangeMs }) => {
    process.env.TZ = tz;
    expect(new Date(at - HOUR).getTimezoneOffset()).not.toBe(new Date(at + HOUR).getTimezoneOffset());
    const to = at + rangeMs / 3;
    const from = to - rangeMs;
    const db = openDatabase(join(dir, `${tz.replace('/', '-')}-${at}-${rangeMs}.db`));
    try {
      const ledger = new Ledger(db);
      // A call every 20 minutes with a cache hit every third, from the range's start to its end.
      const stamps: number[] = [];
      for (let ts = from + 7 * 60_000, i = 0; ts < to; ts += 20 * 60_000, i++) {
        stamps.push(ts);
        ledger.record(ledgerRow({ requestId: `r${i}`, ts, costUsd: 1, savedUsd: i % 3 === 0 ? 1 : 0, cache: i % 3 === 0 ? 'exact' : 'miss' }));
      }
      const bucketMs = bucketFor(rangeMs);
      const hoursPer = bucketMs / HOUR;
      expect([6, 24]).toContain(hoursPer);
      const q = seriesQuery(from, to, bucketMs);
      const summary = ledger.summary({ ...q, by: 'model' });
      const spend = chartSeries(summary, bucketMs);

      // The user's local bucket of a moment: the calendar day, and for 6-hour buckets its quarter.
      const local = (ms: number) => {
        const d = new Date(ms);
        return `${d.toDateString()} ${Math.floor(d.getHours() / hoursPer)}`;
      };
      const expected = new Map<string, number>();
      for (const ts of stamps) expected.set(local(ts), (expected.get(local(ts)) ?? 0) + 1);

      const starts = spend.t.map((s) => new Date(s * 1000));
      expect(starts.map((d) => [d.getHours() % hoursPer, d.getMinutes()])).toEqual(starts.map(() => [0, 0]));
      expect(spend.t.map((s) => local(s * 1000))).toEqual([...expected.keys()]);
      expect(spend.costUsd).toEqual([...expected.values()]);
      expect(spend.savedCumUsd.at(-1)).toBe(Math.ceil(stamps.length / 3));
      // The day of the change is 23 or 25 hours long, and its bucket holds every call of it.
      if (hoursPer === 24 && dayCalls) expect(new Set(spend.costUsd.slice(1, -1))).toEqual(new Set([72, dayCalls]));
    } finally {
      db.close();
    }
  });
});

it('a proxy that does not know tz (an older one still on the port) answers UTC days: each lands in the local day it starts in, none dropped', () => {
  process.env.TZ = 'Europe/Berlin';
  const db = openDatabase(join(dir, 'older-proxy.db'));
  try {
    const ledger = new Ledger(db);
    const to = Date.UTC(2026, 5, 10, 12);
    for (let i = 0; i < 7 * 24; i++) ledger.record(ledgerRow({ requestId: `o${i}`, ts: to - 7 * DAY + i * HOUR + 60_000, costUsd: 1 }));
    const { tz: _ignored, ...older } = seriesQuery(to - 7 * DAY, to, DAY);
    const spend = chartSeries(ledger.summary(older), DAY);
    expect(spend.costUsd.reduce((a, b) => a + b, 0)).toBe(7 * 24);
    expect(spend.t.map((s) => new Date(s * 1000).getHours())).toEqual(spend.t.map(() => 0));
  } finally {
    db.close();
  }
});

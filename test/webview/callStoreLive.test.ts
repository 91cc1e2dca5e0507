/**
 * CallStore under a long, busy live stream: a sorted view takes live batches without sorting every
 * loaded row again (the sort key's reads, counted, against one full sort of the same rows: work, not
 * time, so a loaded machine cannot fail it), stays exactly in order, and the rows held stay bounded
 * with the dropped ones reachable by paging.
 */
import { describe, expect, it } from 'vitest';
import type { CallPage, CallRecord } from '../../webview/src/protocol';
import { CallStore, compareCalls, type SortSpec } from '../../webview/src/state/callStore';

function call(id: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id, requestId: `tg_${id}`, ts: 1_700_000_000_000 + id * 1000, keyFingerprint: 'tg_0000000000000000', tags: { feature: `f${id % 5}`, team: 't', user: 'u' },
    provider: 'openai', endpoint: 'chat.completions', modelRequested: `model-${(id * 7919) % 23}`, modelUsed: `model-${(id * 7919) % 23}`, stream: false,
    cache: id % 3 ? 'miss' : 'exact', inputTokens: 10 + (id % 50), outputTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false,
    costUsd: ((id * 104_729) % 10_007) / 1e6, savedUsd: 0, priced: true, latencyMs: id % 13, overheadMs: 1, status: 200, attempt: 1, ...over,
  };
}

/** Reads of the two sort keys the first test uses, each one a comparison's worth of work. */
let keyReads = 0;
function counted(c: CallRecord): CallRecord {
  const { modelUsed, costUsd } = c;
  return Object.defineProperties(c, {
    modelUsed: {
      enumerable: true,
      get() {
        keyReads++;
        return modelUsed;
      },
    },
    costUsd: {
      enumerable: true,
      get() {
        keyReads++;
        return costUsd;
      },
    },
  });
}

function pageOf(all: CallRecord[], limit: number, before?: number): CallPage {
  const older = all.filter((c) => before === undefined || c.id < before).sort((a, b) => b.id - a.id);
  const calls = older.slice(0, limit);
  return { calls, total: all.length, ...(older.length > limit ? { nextBefore: calls[calls.length - 1]!.id } : {}) };
}

function expectSorted(s: CallStore, sort: SortSpec): void {
  for (let i = 1; i < s.length; i++) if (compareCalls(s.at(i - 1)!, s.at(i)!, sort) >= 0) throw new Error(`rows ${i - 1} and ${i} out of order`);
}

describe('CallStore with a sorted view and a live stream', () => {
  it('takes live batches into a sorted view of 100,000 rows for a fraction of a full sort each, in exact order', () => {
    const N = 100_000;
    const s = new CallStore();
    s.reset({});
    s.applyPage({ calls: Array.from({ length: N }, (_, i) => counted(call(N - i))), total: N });
    const results: Record<string, number> = {};
    for (const sort of [{ key: 'model', dir: 'asc' }, { key: 'costUsd', dir: 'desc' }] as SortSpec[]) {
      s.setSort(sort);
      keyReads = 0;
      s.at(0); // one full sort of everything loaded
      const fullSort = keyReads;
      // 40 live batches of 10 calls (2 s of a 200 calls/s stream), each followed by a render's reads.
      let id = N + (sort.key === 'model' ? 0 : 1000);
      keyReads = 0;
      for (let b = 0; b < 40; b++) {
        s.appendLive(Array.from({ length: 10 }, () => counted(call(++id))));
        for (let r = 0; r < 40; r++) s.at(r);
      }
      results[sort.key] = keyReads / fullSort;
      expectSorted(s, sort);
    }
    console.log(`40 live batches into a sorted view of 100,000 rows read the sort key ${Object.entries(results).map(([k, v]) => `${v.toFixed(4)}× (${k})`).join(', ')} as often as one full sort`);
    // Re-sorting on every batch costs ~40 full sorts (even a merge of a sorted run, ~2); inserting by
    // binary search, ten times ~17 comparisons a batch, a small share of one.
    for (const ratio of Object.values(results)) expect(ratio).toBeLessThan(0.1);
  });

  it('a page arriving under a sorted view lands in order too', () => {
    const all = Array.from({ length: 3000 }, (_, i) => call(i + 1));
    const s = new CallStore();
    s.reset({});
    s.applyPage(pageOf(all, 1000));
    const sort: SortSpec = { key: 'latencyMs', dir: 'asc' };
    s.setSort(sort);
    s.at(0);
    s.appendLive([call(5000), call(5001)]);
    s.applyPage(pageOf(all, 10, s.nextBefore)); // small page: inserted
    s.applyPage(pageOf(all, 1000, s.nextBefore)); // big page: one sort
    expect(s.length).toBe(2012);
    expectSorted(s, sort);
    s.setSort({ key: 'ts', dir: 'desc' });
    expect(s.at(0)!.id).toBe(5001);
    expect(s.at(2)!.id).toBe(3000);
  });

  it('holds at most maxLoaded rows; the oldest dropped are paged back in order', () => {
    const all = Array.from({ length: 3000 }, (_, i) => call(i + 1));
    const s = new CallStore(1000);
    s.reset({});
    s.applyPage(pageOf(all, 1000));
    expect(s.at(999)!.id).toBe(2001);
    // 500 live calls arrive (the proxy now has 3,500).
    const live = Array.from({ length: 500 }, (_, i) => call(3001 + i));
    for (let i = 0; i < live.length; i += 50) s.appendLive(live.slice(i, i + 50));
    expect(s.length).toBe(1000);
    expect(s.total).toBe(3500);
    expect(s.at(0)!.id).toBe(3500);
    expect(s.at(999)!.id).toBe(2501);
    // Scrolling on pages the dropped calls back, then older ones, without gaps or repeats.
    expect(s.hasMore).toBe(true);
    const withLive = [...all, ...live];
    s.applyPage(pageOf(withLive, 600, s.nextBefore));
    const ids = Array.from({ length: s.length }, (_, i) => s.at(i)!.id);
    expect(ids).toEqual(Array.from({ length: 1600 }, (_, i) => 3500 - i));
    // A sorted view drops the same rows.
    s.setSort({ key: 'costUsd', dir: 'desc' });
    s.at(0);
    s.appendLive([call(3501), call(3502)]);
    expect(s.length).toBe(1000);
    expectSorted(s, s.sort);
    const inView = new Set(Array.from({ length: s.length }, (_, i) => s.at(i)!.id));
    expect(inView.size).toBe(1000);
    expect(inView.has(3502)).toBe(true);
    expect(Math.min(...inView)).toBe(2503);
  });

  it('live calls before the first page: the page merges in newest first, each call once', () => {
    // The proxy has 1..40; the stream delivered 38 and 39 before the first page, not 40 yet.
    const all = Array.from({ length: 40 }, (_, i) => call(i + 1));
    const s = new CallStore();
    s.reset({});
    s.appendLive([call(38), call(39)]);
    expect(s.loaded).toBe(false);
    s.applyPage(pageOf(all, 10));
    const ids = Array.from({ length: s.length }, (_, i) => s.at(i)!.id);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => 40 - i));
    expect(s.total).toBe(40);
    // 40 comes from the stream late: already held, not added twice.
    expect(s.appendLive([call(40)])).toEqual([]);
    // A live call older than the newest row (delivered late) goes in at its place.
    const s2 = new CallStore();
    s2.reset({});
    s2.applyPage(pageOf(all.filter((c) => c.id !== 35), 10));
    s2.appendLive([call(35)]);
    expect(Array.from({ length: s2.length }, (_, i) => s2.at(i)!.id).slice(0, 7)).toEqual([40, 39, 38, 37, 36, 35, 34]);
  });
});

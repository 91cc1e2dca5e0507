import { describe, expect, it } from 'vitest';
import type { CallPage, CallRecord } from '../../webview/src/protocol';
import { CallStore, compareCalls } from '../../webview/src/state/callStore';
import { isFilterEmpty, matchesFilter, normaliseFilter } from '../../webview/src/state/filter';

function call(id: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id, requestId: `tg_${id}`, ts: 1_700_000_000_000 + id * 1000, keyFingerprint: 'tg_0000000000000000', tags: { feature: `f${id % 3}`, team: 't', user: 'u' },
    provider: 'openai', endpoint: 'chat.completions', modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', stream: false, cache: 'miss',
    inputTokens: 10, outputTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false, costUsd: (id * 37) % 101, savedUsd: 0,
    priced: true, latencyMs: id % 13, overheadMs: 1, status: 200, attempt: 1, ...over,
  };
}

/** Newest-first pages over ids N..1, like GET /tollgate/calls. */
function pageOf(all: CallRecord[], limit: number, before?: number): CallPage {
  const older = all.filter((c) => before === undefined || c.id < before).sort((a, b) => b.id - a.id);
  const calls = older.slice(0, limit);
  return { calls, total: all.length, ...(older.length > limit ? { nextBefore: calls[calls.length - 1]!.id } : {}) };
}

describe('CallStore', () => {
  it('pages newest first until the cursor runs out', () => {
    const all = Array.from({ length: 250 }, (_, i) => call(i + 1));
    const s = new CallStore();
    s.reset({});
    while (!s.loaded || s.hasMore) s.applyPage(pageOf(all, 100, s.nextBefore));
    expect(s.length).toBe(250);
    expect(s.total).toBe(250);
    expect(s.at(0)!.id).toBe(250);
    expect(s.at(249)!.id).toBe(1);
    expect(s.hasMore).toBe(false);
  });

  it('prepends live calls that match the filter, once, and counts them', () => {
    const s = new CallStore();
    s.reset({ feature: 'f1' });
    s.applyPage({ calls: [call(4, { tags: { feature: 'f1' } })], total: 1 });
    const added = s.appendLive([call(5, { tags: { feature: 'f2' } }), call(6, { tags: { feature: 'f1' } }), call(7, { tags: { feature: 'f1' } })]);
    expect(added.map((c) => c.id)).toEqual([7, 6]);
    expect(s.appendLive([call(7, { tags: { feature: 'f1' } })])).toEqual([]);
    expect([s.at(0)!.id, s.at(1)!.id, s.at(2)!.id]).toEqual([7, 6, 4]);
    expect(s.total).toBe(3);
  });

  it('does not duplicate a live call that the first page also returns', () => {
    const s = new CallStore();
    s.reset({});
    s.appendLive([call(9)]);
    s.applyPage({ calls: [call(9), call(8)], total: 2 });
    expect(s.length).toBe(2);
    expect(s.total).toBe(2);
  });

  it('sorts 100,000 loaded rows by a column, ties by id, and back to newest first', () => {
    const all = Array.from({ length: 100_000 }, (_, i) => call(i + 1));
    const s = new CallStore();
    s.reset({});
    s.applyPage({ calls: [...all].reverse(), total: all.length });
    s.setSort({ key: 'costUsd', dir: 'desc' });
    for (let i = 1; i < s.length; i += 997) expect(compareCalls(s.at(i - 1)!, s.at(i)!, s.sort)).toBeLessThan(0);
    const max = Math.max(...all.map((c) => c.costUsd));
    expect(s.at(0)!.costUsd).toBe(max);
    // Among equal costs the higher id comes first when descending.
    const tied = all.filter((c) => c.costUsd === max).map((c) => c.id).sort((a, b) => b - a);
    expect(s.at(0)!.id).toBe(tied[0]);
    s.appendLive([call(100_001, { costUsd: max + 1 })]);
    expect(s.at(0)!.id).toBe(100_001);
    s.setSort({ key: 'ts', dir: 'desc' });
    expect(s.at(1)!.id).toBe(100_000);
  });
});

describe('live filter mirrors the proxy filter', () => {
  it('matches tags, the model that answered, cache and ok/error', () => {
    const c = call(1, { tags: { team: 'web', feature: 'search' }, modelRequested: 'auto', modelUsed: 'gpt-4o', cache: 'exact', status: 200 });
    expect(matchesFilter(c, { team: 'web', feature: 'search', model: 'gpt-4o', cache: 'exact', status: 'ok' })).toBe(true);
    expect(matchesFilter(c, { model: 'auto' })).toBe(false);
    expect(matchesFilter(c, { status: 'error' })).toBe(false);
    expect(matchesFilter({ ...c, status: 502 }, { status: 'error' })).toBe(true);
    expect(matchesFilter(c, { user: 'ana' })).toBe(false);
  });

  it('treats blank fields as "any"', () => {
    expect(normaliseFilter({ team: '  ', feature: ' search ' })).toEqual({ feature: 'search' });
    expect(isFilterEmpty({ team: '', model: ' ' })).toBe(true);
  });
});

/**
 * The calls the table shows: pages fetched from the proxy (newest first, cursor by row id) plus
 * calls that arrive live. It only ever holds what was fetched or pushed; counting, summing and
 * bucketing stay with the proxy. Sorting by a column orders the loaded rows (the header says so).
 * Pure: no DOM, so it is unit-tested with 100,000 rows.
 */
import type { CallFilter, CallPage, CallRecord } from '../protocol';
import { matchesFilter } from './filter';

export type SortKey = 'ts' | 'model' | 'cache' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'savedUsd' | 'latencyMs' | 'status';
export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: SortSpec = { key: 'ts', dir: 'desc' };

function sortValue(c: CallRecord, key: SortKey): number | string {
  switch (key) {
    case 'ts':
      return c.id; // ids are monotonic; ties in ts keep arrival order
    case 'model':
      return c.modelUsed || c.modelRequested;
    case 'cache':
      return c.cache === 'semantic' ? `semantic ${(c.similarity ?? 0).toFixed(4)}` : c.cache;
    default:
      return c[key];
  }
}

export function compareCalls(a: CallRecord, b: CallRecord, sort: SortSpec): number {
  const va = sortValue(a, sort.key);
  const vb = sortValue(b, sort.key);
  let d = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
  if (d === 0) d = a.id - b.id; // stable, deterministic tie-break
  return sort.dir === 'asc' ? d : -d;
}

export class CallStore {
  /** Newest first, as the proxy pages them. */
  private rows: CallRecord[] = [];
  private readonly ids = new Set<number>();
  private sortedView: CallRecord[] | undefined;
  private sortDirty = false;
  private filterValue: CallFilter = {};
  private sortValue: SortSpec = DEFAULT_SORT;
  /** Calls matching the filter on the proxy (including those not loaded yet). */
  total = 0;
  /** Cursor for the next (older) page; undefined once the end was reached. */
  nextBefore: number | undefined;
  /** False until the first page arrived. */
  loaded = false;

  get filter(): CallFilter {
    return this.filterValue;
  }

  get sort(): SortSpec {
    return this.sortValue;
  }

  /** Number of loaded rows. */
  get length(): number {
    return this.rows.length;
  }

  get hasMore(): boolean {
    return this.nextBefore !== undefined;
  }

  /** Start over for a new filter (the next page request starts from the newest call). */
  reset(filter: CallFilter): void {
    this.filterValue = filter;
    this.rows = [];
    this.ids.clear();
    this.sortedView = undefined;
    this.total = 0;
    this.nextBefore = undefined;
    this.loaded = false;
  }

  /** Add an older page returned by the proxy. */
  applyPage(page: CallPage): void {
    for (const c of page.calls) {
      if (this.ids.has(c.id)) continue;
      this.ids.add(c.id);
      this.rows.push(c);
    }
    // Live calls may have arrived before the first page; the proxy's count already has them.
    this.total = Math.max(page.total, this.rows.length);
    this.nextBefore = page.calls.length ? page.nextBefore : undefined;
    this.loaded = true;
    this.sortDirty = true;
  }

  /** Calls pushed live (oldest first). Returns those that match the filter and were new. */
  appendLive(calls: CallRecord[]): CallRecord[] {
    const fresh: CallRecord[] = [];
    for (const c of calls) {
      if (this.ids.has(c.id) || !matchesFilter(c, this.filterValue)) continue;
      this.ids.add(c.id);
      fresh.push(c);
    }
    if (!fresh.length) return fresh;
    fresh.sort((a, b) => b.id - a.id);
    this.rows = fresh.concat(this.rows);
    this.total += fresh.length;
    this.sortDirty = true;
    return fresh;
  }

  setSort(sort: SortSpec): void {
    this.sortValue = sort;
    this.sortDirty = true;
  }

  /** Row `i` in display order. */
  at(i: number): CallRecord | undefined {
    return this.view()[i];
  }

  private view(): CallRecord[] {
    if (this.sortValue.key === DEFAULT_SORT.key && this.sortValue.dir === DEFAULT_SORT.dir) return this.rows;
    if (!this.sortedView || this.sortDirty) {
      const s = this.sortValue;
      this.sortedView = [...this.rows].sort((a, b) => compareCalls(a, b, s));
      this.sortDirty = false;
    }
    return this.sortedView;
  }
}

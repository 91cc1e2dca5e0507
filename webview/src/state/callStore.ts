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

/**
 * Most calls the table holds. A panel left open on a busy proxy (hundreds of calls a second) would
 * otherwise grow by the hour until the webview runs out of memory; past this, the oldest loaded
 * calls are dropped and can be paged back from the proxy by scrolling, like any older page.
 */
export const MAX_LOADED = 200_000;

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
  private readonly maxLoaded: number;
  private filterValue: CallFilter = {};
  private sortValue: SortSpec = DEFAULT_SORT;
  /** Calls matching the filter on the proxy (including those not loaded yet). */
  total = 0;
  /** Cursor for the next (older) page; undefined once the end was reached. */
  nextBefore: number | undefined;
  /** False until the first page arrived. */
  loaded = false;

  constructor(maxLoaded = MAX_LOADED) {
    this.maxLoaded = maxLoaded;
  }

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
    this.sortDirty = false;
    this.total = 0;
    this.nextBefore = undefined;
    this.loaded = false;
  }

  /** Add a page returned by the proxy: an older one, or the first, which live calls may have beaten. */
  applyPage(page: CallPage): void {
    const fresh: CallRecord[] = [];
    for (const c of page.calls) {
      if (this.ids.has(c.id)) continue;
      this.ids.add(c.id);
      fresh.push(c);
    }
    this.insertRows(fresh);
    // Live calls may have arrived before the first page; the proxy's count already has them.
    this.total = Math.max(page.total, this.rows.length);
    this.nextBefore = page.calls.length ? page.nextBefore : undefined;
    this.loaded = true;
    this.addToSorted(fresh);
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
    this.insertRows(fresh);
    this.total += fresh.length;
    this.addToSorted(fresh);
    this.trim();
    return fresh;
  }

  /**
   * Puts calls not held yet into `rows`, keeping it newest first. Usually they all go at one end (an
   * older page at the bottom, live calls at the top); but the first page can hold calls newer than
   * live ones already shown (the stream had not delivered them yet), and live calls can arrive that
   * are older than the newest row: those are merged in by id, not stacked above or below.
   */
  private insertRows(fresh: CallRecord[]): void {
    if (!fresh.length) return;
    fresh.sort((a, b) => b.id - a.id);
    const rows = this.rows;
    if (!rows.length || rows[rows.length - 1]!.id > fresh[0]!.id) {
      for (const c of fresh) rows.push(c);
      return;
    }
    if (fresh[fresh.length - 1]!.id > rows[0]!.id) {
      this.rows = fresh.concat(rows);
      return;
    }
    const merged: CallRecord[] = [];
    let i = 0;
    let j = 0;
    while (i < rows.length || j < fresh.length) {
      if (j >= fresh.length || (i < rows.length && rows[i]!.id > fresh[j]!.id)) merged.push(rows[i++]!);
      else merged.push(fresh[j++]!);
    }
    this.rows = merged;
  }

  /** Past `maxLoaded` rows, drop the oldest; the cursor then points at them so scrolling reloads them. */
  private trim(): void {
    const excess = this.rows.length - this.maxLoaded;
    if (excess <= 0) return;
    const dropped = this.rows.splice(this.maxLoaded, excess);
    for (const c of dropped) this.ids.delete(c.id);
    // The proxy pages by id (`before` is exclusive): the oldest kept call is the next cursor.
    this.nextBefore = this.rows[this.rows.length - 1]!.id;
    if (this.sortedView && !this.sortDirty) {
      const gone = new Set(dropped.map((c) => c.id));
      this.sortedView = this.sortedView.filter((c) => !gone.has(c.id));
    }
  }

  /**
   * Keep the sorted view current without sorting every row again: a live batch of ten calls into
   * 100,000 sorted rows is ten binary searches, not a full sort on each batch (20 a second).
   */
  private addToSorted(fresh: CallRecord[]): void {
    const view = this.sortedView;
    if (!view || this.sortDirty || !fresh.length) return;
    const s = this.sortValue;
    if (fresh.length * Math.log2(view.length + 2) > view.length) {
      this.sortDirty = true; // a page as big as the view: one sort is cheaper
      return;
    }
    for (const c of fresh) {
      let lo = 0;
      let hi = view.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareCalls(view[mid]!, c, s) < 0) lo = mid + 1;
        else hi = mid;
      }
      view.splice(lo, 0, c);
    }
  }

  setSort(sort: SortSpec): void {
    this.sortValue = sort;
    this.sortDirty = true;
    if (sort.key === DEFAULT_SORT.key && sort.dir === DEFAULT_SORT.dir) this.sortedView = undefined; // `rows` is that order
  }

  /** Display index of the call with this id, or -1 (not loaded). */
  indexOf(id: number): number {
    return this.view().findIndex((c) => c.id === id);
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

/**
 * The headline's figures: the last summary of the proxy's ledger plus the live calls counted since,
 * so the headline moves with the table and the status bar instead of one summary refresh later.
 * A summary replaces the running figures, then re-adds the live calls it does not cover: one read
 * just before a call committed (a refresh in flight when the call's event arrived) must not take
 * that call back out. Pure (no DOM), so it is tested against the proxy's real ledger.
 */
import type { CallRecord, Summary, SummaryBucket } from '../protocol';

/** Live calls kept for re-adding: more than can arrive while one summary is in flight. */
const KEEP = 500;

type Coverage = Pick<Summary, 'totals' | 'from' | 'to' | 'lastId'>;

export class LiveTotals {
  private totals: SummaryBucket | undefined;
  private coverage: Coverage | undefined;
  /** Live calls in `totals`, from the summary or added since (a call counts once, however often it arrives). */
  private readonly counted = new Set<number>();
  /** Recent live calls and the range start each was counted for, newest last. */
  private recent: Array<{ call: CallRecord; from: number }> = [];

  get current(): SummaryBucket | undefined {
    return this.totals;
  }

  /** A summary's totals replace the running figures; live calls it does not cover are added back. */
  set(summary: Coverage | undefined): void {
    this.totals = summary ? { ...summary.totals } : undefined;
    this.coverage = summary;
    this.counted.clear();
    if (!summary) return;
    for (const r of this.recent) {
      // A proxy that does not say what its totals cover: take them as covering every call seen so far.
      if (summary.lastId === undefined) this.counted.add(r.call.id);
      else this.count(r.call, r.from);
    }
  }

  /** Live calls; those before `from` (outside the range shown) are left out. Returns whether the figures changed. */
  add(calls: readonly CallRecord[], from = 0): boolean {
    let changed = false;
    for (const call of calls) {
      if (!this.recent.some((r) => r.call.id === call.id)) this.recent.push({ call, from });
      changed = this.count(call, from) || changed;
    }
    if (this.recent.length > KEEP) this.recent = this.recent.slice(-KEEP);
    return changed;
  }

  private count(c: CallRecord, from: number): boolean {
    const t = this.totals;
    const s = this.coverage;
    if (!t || !s || this.counted.has(c.id) || c.ts < from) return false;
    this.counted.add(c.id);
    if (s.lastId !== undefined && c.id <= s.lastId && c.ts >= s.from && c.ts < s.to) return false; // already in the summary
    t.calls += 1;
    t.costUsd += c.costUsd;
    t.savedUsd += c.savedUsd;
    t.inputTokens += c.inputTokens;
    t.outputTokens += c.outputTokens;
    if (c.cache === 'exact' || c.cache === 'semantic') t.hits += 1;
    return true;
  }
}

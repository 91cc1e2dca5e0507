/**
 * Feature tags are the caller's to choose: over a week a team sends thousands of distinct ones
 * (one per prompt template, per customer, typos), most never served a semantic hit. The feedback
 * controller's per-feature lookup clock must not hold one in memory per feature ever looked up,
 * and the clock of the features that are served hits must read the same as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SemanticQuality } from '../../../proxy/src/cache/semantic/quality/qualityStore';
import { openDatabase, type Db } from '../../../proxy/src/db/open';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-uptime-quality-'));
  db = openDatabase(join(dir, 'q.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const inMemory = (q: SemanticQuality): number => (q as unknown as { lookupTotals: Map<string, number> }).lookupTotals.size;
const lookupNo = (hitId: number): number => (db.prepare('SELECT lookup_no AS n FROM semantic_hits WHERE id = ?').get(hitId) as { n: number }).n;

describe('semantic feedback state across many feature tags', () => {
  it('features that were only looked up keep no in-memory state, before or after a restart', () => {
    const q = new SemanticQuality(db);
    for (let i = 0; i < 3_000; i++) q.countLookup(`feature-${i}`);
    expect(inMemory(q)).toBe(0);
    // Their counts are still recorded for the quality report.
    expect(q.report(0.9).filter((f) => f.feature.startsWith('feature-')).length).toBe(3_000);
    expect(inMemory(new SemanticQuality(db))).toBe(0);
  });

  it('the lookup clock of a feature served hits is unchanged: lookups before its first hit count, and it survives a restart', () => {
    const q = new SemanticQuality(db);
    for (let i = 0; i < 7; i++) q.countLookup('faq');
    q.countLookup('other');
    const first = q.recordHit({ requestId: 'r1', keyNamespace: 'ns', feature: 'faq', entryId: 1, probability: 0.95 });
    expect(lookupNo(first)).toBe(7);
    for (let i = 0; i < 3; i++) q.countLookup('faq');
    expect(lookupNo(q.recordHit({ requestId: 'r2', keyNamespace: 'ns', feature: 'faq', entryId: 2, probability: 0.95 }))).toBe(10);
    expect(inMemory(q)).toBe(1); // faq only

    const restarted = new SemanticQuality(db);
    restarted.countLookup('faq');
    expect(lookupNo(restarted.recordHit({ requestId: 'r3', keyNamespace: 'ns', feature: 'faq', entryId: 3, probability: 0.95 }))).toBe(11);
  });

  it("the quality report gives each of many features its own lookups, hits and days", () => {
    const q = new SemanticQuality(db);
    const DAY = 86_400_000;
    const day0 = Date.UTC(2026, 10, 2, 12);
    for (let f = 0; f < 40; f++) for (let i = 0; i <= f % 5; i++) q.countLookup(`f${f}`, day0);
    for (let f = 0; f < 40; f += 4) q.countLookup(`f${f}`, day0 + DAY);
    for (let f = 0; f < 40; f += 8) q.recordHit({ requestId: `r${f}`, keyNamespace: 'ns', feature: `f${f}`, entryId: f + 1, probability: 0.95, ts: day0 + DAY });
    const report = new Map(q.report(0.9).map((r) => [r.feature, r]));
    expect(report.size).toBe(40);
    for (let f = 0; f < 40; f++) {
      const r = report.get(`f${f}`)!;
      const secondDay = f % 4 === 0;
      expect(r.lookups).toBe((f % 5) + 1 + (secondDay ? 1 : 0));
      expect(r.hits).toBe(f % 8 === 0 ? 1 : 0);
      expect(r.series.map((d) => d.day)).toEqual(secondDay ? ['2026-11-02', '2026-11-03'] : ['2026-11-02']);
    }
  });
});

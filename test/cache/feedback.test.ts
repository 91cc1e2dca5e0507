/**
 * The feedback loop on a real SQLite file: a reported false hit (eviction) tightens the
 * operating point of that hit's feature only, persists across restarts, and — once a feature has
 * had feedback — lookups without a report loosen it within bounds, settling at the target rate of
 * reported false hits per lookup. Also the judge-driven decision with a real store: an evicted
 * entry is no longer served and the tightened feature needs more certainty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { decideSemantic, evictAsFeedback, requiredProbability } from '../../proxy/src/cache/semantic/decide';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { MAX_LOOSEN, STEP_DOWN, STEP_UP, SemanticQuality, TARGET_FALSE_HIT_RATE } from '../../proxy/src/cache/semantic/quality/qualityStore';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';

let dir: string;
let db: Db;
const BASE = 0.8;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-feedback-'));
  db = openDatabase(join(dir, 'q.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('per-feature operating points from feedback', () => {
  it('an eviction tightens that feature only, by one step (not above the probability that was wrong)', () => {
    const q = new SemanticQuality(db);
    q.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'support-bot', entryId: 11, probability: 0.86 });
    q.recordHit({ requestId: 'r2', keyNamespace: 'k', feature: 'search', entryId: 12, probability: 0.86 });
    expect(q.minProbability('support-bot', BASE)).toBe(BASE);
    const r = q.onEvict(11, BASE);
    expect(r.ok).toBe(true);
    expect(q.minProbability('support-bot', BASE)).toBeCloseTo(BASE + STEP_UP, 9);
    expect(q.minProbability('search', BASE)).toBe(BASE);
    expect(q.minProbability(undefined, BASE)).toBe(BASE);
    // The same hit reported twice counts once.
    q.onEvict(11, BASE);
    expect(q.minProbability('support-bot', BASE)).toBeCloseTo(BASE + STEP_UP, 9);
  });

  it('evicting an entry that was never a semantic hit changes nothing', () => {
    const q = new SemanticQuality(db);
    q.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'a', entryId: 1, probability: 0.9 });
    expect(q.onEvict(2, BASE)).toMatchObject({ ok: false });
    expect(q.report(BASE).find((f) => f.feature === 'a')).toMatchObject({ minProbability: BASE, feedback: 0, badHits: 0 });
  });

  it('survives a restart (stored in SQLite) and reports per-feature rates', () => {
    const q = new SemanticQuality(db);
    for (let i = 0; i < 10; i++) q.countLookup('a');
    q.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'a', entryId: 1, probability: 0.9 });
    q.recordHit({ requestId: 'r2', keyNamespace: 'k', feature: 'a', entryId: 2, probability: 0.95 });
    q.onRequestFeedback('r2', BASE);
    const again = new SemanticQuality(db);
    expect(again.minProbability('a', BASE)).toBeCloseTo(BASE + STEP_UP, 9);
    const a = again.report(BASE).find((f) => f.feature === 'a')!;
    expect(a).toMatchObject({ lookups: 10, hits: 2, badHits: 1, feedback: 1 });
    expect(a.hitRate).toBeCloseTo(0.2, 9);
    expect(a.falseHitRate).toBeCloseTo(0.1, 9);
    expect(a.series).toHaveLength(1);
  });

  it('after feedback, lookups without a report loosen the feature by small steps, bounded; others never loosen', () => {
    const q = new SemanticQuality(db);
    q.recordHit({ requestId: 'r0', keyNamespace: 'k', feature: 'a', entryId: 1, probability: 0.81 });
    q.onEvict(1, BASE);
    const tight = q.minProbability('a', BASE);
    q.countLookup('a');
    q.countLookup('a');
    expect(q.minProbability('a', BASE)).toBeCloseTo(tight - 2 * STEP_DOWN, 9);
    for (let i = 0; i < 5000; i++) q.countLookup('a');
    expect(q.minProbability('a', BASE)).toBeCloseTo(BASE - MAX_LOOSEN, 9);
    // A feature without feedback never loosens: no report is no evidence when nobody reports.
    for (let i = 0; i < 500; i++) q.countLookup('b');
    expect(q.minProbability('b', BASE)).toBe(BASE);
  });

  it('settles where reported false hits per lookup meet the target: looser below it, tighter above it', () => {
    const run = (feature: string, badEvery: number) => {
      const q = new SemanticQuality(db);
      let entry = feature === 'rare' ? 1 : 1_000_000;
      for (let i = 1; i <= 4000; i++) {
        q.countLookup(feature);
        if (i % badEvery === 0) {
          q.recordHit({ requestId: `${feature}${i}`, keyNamespace: 'k', feature, entryId: ++entry, probability: 0.9 });
          q.onEvict(entry, BASE);
        }
      }
      return q.minProbability(feature, BASE);
    };
    // 1 report per 1000 lookups (0.1 %, under the target) ends looser than the default…
    expect(run('rare', 1000)).toBeLessThan(BASE - 0.05);
    // …1 per 50 (2 %, over it) ends tighter.
    expect(run('often', 50)).toBeGreaterThan(BASE + 0.05);
    expect(TARGET_FALSE_HIT_RATE).toBeLessThan(0.01);
  });

  it('the bad-hit header reaches only the same key and feature', () => {
    const q = new SemanticQuality(db);
    q.recordHit({ requestId: 'r1', keyNamespace: 'key-a', feature: 'f', entryId: 1, probability: 0.9 });
    expect(q.onLastHitFeedback('key-b', 'f', BASE)).toMatchObject({ ok: false });
    expect(q.onLastHitFeedback('key-a', 'g', BASE)).toMatchObject({ ok: false });
    expect(q.onLastHitFeedback('key-a', 'f', BASE)).toMatchObject({ ok: true, entryId: 1, feature: 'f' });
  });
});

describe('expected value per request', () => {
  it('a cheap call needs more certainty than an expensive one; the operating point is a floor', () => {
    const cheap = requiredProbability(0.0001, 0.8, 0.001);
    const dear = requiredProbability(0.05, 0.8, 0.001);
    expect(cheap).toBeCloseTo(0.001 / 0.0011, 9);
    expect(cheap).toBeGreaterThan(dear);
    expect(dear).toBe(0.8);
    expect(requiredProbability(0.0001, 0.8, 0)).toBe(0.8);
  });
});

describe('decision with the shipped judge and a real store', () => {
  function unit(seed: number): Float32Array {
    let s = seed;
    const v = Float32Array.from({ length: 512 }, () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296) - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  }

  it('serves a confident candidate; after it is evicted as feedback, a pair just over the old point is no longer served in that feature', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const store = new SemanticStore(db);
    store.migrate();
    const q = new SemanticQuality(db);
    const v = unit(7);
    const stored = 'How do I reset my password?';
    const asked = 'How can I reset my password?';
    const p = judge.score(1, asked, stored);
    // An operating point just under this pair's P: one reported false hit (one STEP_UP) moves it above.
    const rule = { baseMinProbability: p - STEP_UP / 2, wrongAnswerCostUsd: 0 };
    const deps = { store, judge, quality: q, savedUsd: () => 0.01 };
    const query = { namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: v, text: asked, feature: 'support' };
    store.insert({ entryId: 1, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: v, text: stored, expiresAt: Date.now() + 60_000 });
    const first = decideSemantic(deps, query, rule);
    expect(first).toMatchObject({ serve: true, entryId: 1 });
    if (!first.serve) return;
    q.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'support', entryId: 1, probability: first.probability });
    expect(evictAsFeedback(store, q, 1, rule.baseMinProbability)).toBe(true);
    // The answer is gone, and re-storing the same prompt no longer clears this feature's tighter point…
    expect(decideSemantic(deps, query, rule)).toMatchObject({ serve: false, reason: 'empty' });
    store.insert({ entryId: 2, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: v, text: stored, expiresAt: Date.now() + 60_000 });
    expect(decideSemantic(deps, query, rule)).toMatchObject({ serve: false, reason: 'below' });
    // …but still does in another feature.
    expect(decideSemantic(deps, { ...query, feature: 'other' }, rule)).toMatchObject({ serve: true, entryId: 2 });
  });
});

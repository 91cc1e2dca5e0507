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
import { CONFIRM_AFTER_LOOKUPS, CONTROLLER_ONLY, KEEP_QUERY_VECTORS, MAX_LOOSEN, STEP_DOWN, STEP_UP, SemanticQuality, TARGET_FALSE_HIT_RATE, TRUST_BONUS } from '../../proxy/src/cache/semantic/quality/qualityStore';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { dot } from '../../proxy/src/embedding/vector';

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

describe('feedback teaches more than a threshold', () => {
  const DIMS = 512;
  function unit(seed: number): Float32Array {
    let s = seed;
    const v = Float32Array.from({ length: DIMS }, () => {
      s = (s * 1664525 + 1013904223) % 4294967296;
      return s / 4294967296 - 0.5;
    });
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  }
  /** normalise(a + w·b) */
  function mix(a: Float32Array, b: Float32Array, w: number): Float32Array {
    const v = a.map((x, i) => x + w * b[i]!);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  }
  const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
  const storedText = 'How long should my new card take to arrive?';
  const askedText = 'How long until my card is delivered?';
  const entryVec = unit(101);
  // cos(query, entry) ≈ 0.86: a confusion a judge can plausibly make.
  const queryVec = mix(entryVec, unit(202), 0.6);

  function setup(quality: SemanticQuality) {
    const store = new SemanticStore(db);
    store.migrate();
    const p = judge.score(dot(queryVec, entryVec), askedText, storedText);
    // Well under this pair's P, so one report's tightening alone would not stop it.
    const rule = { baseMinProbability: Math.max(0.05, p - 0.2), wrongAnswerCostUsd: 0 };
    const deps = { store, judge, quality, savedUsd: () => 0.01 };
    return { store, rule, deps };
  }
  const query = (vector: Float32Array, feature = 'support') => ({ namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector, text: askedText, feature });
  const insert = (store: SemanticStore, entryId: number, vector: Float32Array, text = storedText) =>
    store.insert({ entryId, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector, text, expiresAt: Date.now() + 60_000 });

  it('a reported confusion is not served again to a near-identical query, in that feature only, and survives a restart', () => {
    const { store, rule, deps } = setup(new SemanticQuality(db));
    insert(store, 1, entryVec);
    const first = decideSemantic(deps, query(queryVec), rule);
    expect(first).toMatchObject({ serve: true, entryId: 1 });
    deps.quality.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'support', entryId: 1, probability: first.serve ? first.probability : 0, queryVector: queryVec });
    expect(evictAsFeedback(store, deps.quality, 1, rule.baseMinProbability)).toBe(true);
    expect(deps.quality.confusionCount('support')).toBe(1);
    // The same answer is stored again (another user asked its question) and a near-identical query comes in.
    insert(store, 2, mix(entryVec, unit(303), 0.05));
    const again = query(mix(queryVec, unit(404), 0.05));
    expect(decideSemantic(deps, again, rule)).toMatchObject({ serve: false, reason: 'vetoed', vetoed: 'repeats a reported false hit' });
    // Another feature has no such report.
    expect(decideSemantic(deps, { ...again, feature: 'other' }, rule)).toMatchObject({ serve: true, entryId: 2 });
    // Persisted: a restarted tracker still refuses it.
    const restarted = { ...deps, quality: new SemanticQuality(db) };
    expect(restarted.quality.confusionCount('support')).toBe(1);
    expect(decideSemantic(restarted, again, rule)).toMatchObject({ serve: false, reason: 'vetoed' });
  });

  it('the re-asked query, once stored, still serves its own paraphrases (same side of the confusion)', () => {
    const { store, rule, deps } = setup(new SemanticQuality(db));
    insert(store, 1, entryVec);
    deps.quality.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'support', entryId: 1, probability: 0.9, queryVector: queryVec });
    evictAsFeedback(store, deps.quality, 1, rule.baseMinProbability);
    // The user asked again: that miss is answered and stored under the query's own vector.
    insert(store, 3, queryVec, askedText);
    const paraphrase = { ...query(mix(queryVec, unit(505), 0.05)), text: 'How long until my card gets delivered?' };
    expect(decideSemantic(deps, paraphrase, rule)).toMatchObject({ serve: true, entryId: 3 });
  });

  it('an entry with a confirmed hit needs TRUST_BONUS less, only after CONFIRM_AFTER_LOOKUPS and only where the team reports', () => {
    const q = new SemanticQuality(db);
    const store = new SemanticStore(db);
    store.migrate();
    insert(store, 7, entryVec);
    // The feature has feedback (an unrelated report), so unreported hits are evidence.
    q.recordHit({ requestId: 'x', keyNamespace: 'k', feature: 'support', entryId: 99, probability: 0.9 });
    q.onEvict(99, BASE);
    q.recordHit({ requestId: 'r', keyNamespace: 'k', feature: 'support', entryId: 7, probability: 0.9 });
    expect(q.isTrusted('support', 7)).toBe(false);
    for (let i = 0; i < CONFIRM_AFTER_LOOKUPS; i++) q.countLookup('support');
    expect(q.isTrusted('support', 7)).toBe(true);
    expect(q.isTrusted('other', 7)).toBe(false);
    // In the decision: a pair just under the requirement is served from the trusted entry.
    const close = mix(entryVec, unit(606), 0.3);
    const p = judge.score(dot(close, entryVec), askedText, storedText);
    expect(p - TRUST_BONUS).toBeGreaterThan(0.5); // above the absolute floor, so only trust decides
    const rule = { baseMinProbability: p + TRUST_BONUS / 2 - q.adjustment('support'), wrongAnswerCostUsd: 0 };
    const deps = { store, judge, quality: q, savedUsd: () => 0.01 };
    expect(decideSemantic(deps, query(close), rule)).toMatchObject({ serve: true, entryId: 7 });
    expect(decideSemantic(deps, query(close, 'other'), rule)).toMatchObject({ serve: false, reason: 'below' });
    // A report on that entry withdraws the trust.
    q.onEvict(7, BASE);
    expect(q.isTrusted('support', 7)).toBe(false);
  });

  it('the first report credits the unreported lookups since the feature\'s first hit; a later report does not', () => {
    const q = new SemanticQuality(db);
    q.countLookup('a'); // before any hit: not evidence
    q.recordHit({ requestId: 'r1', keyNamespace: 'k', feature: 'a', entryId: 1, probability: 0.9 });
    for (let i = 0; i < 100; i++) q.countLookup('a');
    q.recordHit({ requestId: 'r2', keyNamespace: 'k', feature: 'a', entryId: 2, probability: 0.9 });
    q.onEvict(2, BASE);
    expect(q.adjustment('a')).toBeCloseTo(STEP_UP - 100 * STEP_DOWN, 9);
    const before = q.adjustment('a');
    q.recordHit({ requestId: 'r3', keyNamespace: 'k', feature: 'a', entryId: 3, probability: 0.9 });
    q.onEvict(3, BASE);
    expect(q.adjustment('a')).toBeCloseTo(before + STEP_UP, 9);
    // The earlier rule (controller only) gives no credit.
    const old = new SemanticQuality(db, CONTROLLER_ONLY);
    expect(old.adjustment('b')).toBe(0);
  });
});

describe('storage of what feedback learns', () => {
  it('only the newest KEEP_QUERY_VECTORS hits keep their query embedding', () => {
    const q = new SemanticQuality(db);
    const v = new Float32Array(8).fill(0.5);
    db.transaction(() => {
      for (let i = 1; i <= KEEP_QUERY_VECTORS + 500; i++) q.recordHit({ requestId: `r${i}`, keyNamespace: 'k', feature: 'f', entryId: i, probability: 0.9, queryVector: v });
    })();
    const kept = db.prepare('SELECT COUNT(*) AS n, MIN(id) AS first FROM semantic_hits WHERE query_vector IS NOT NULL').get() as { n: number; first: number };
    expect(kept).toEqual({ n: KEEP_QUERY_VECTORS, first: 501 });
  });

  it('opens a database written before the new columns and tables', () => {
    db.exec(`CREATE TABLE semantic_hits (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, key_namespace TEXT NOT NULL, feature TEXT NOT NULL,
      entry_id INTEGER NOT NULL, probability REAL NOT NULL, ts INTEGER NOT NULL, verdict TEXT)`);
    db.prepare("INSERT INTO semantic_hits (request_id, key_namespace, feature, entry_id, probability, ts) VALUES ('old', 'k', 'f', 5, 0.9, 0)").run();
    const q = new SemanticQuality(db);
    expect(q.onRequestFeedback('old', BASE)).toMatchObject({ ok: true, feature: 'f', entryId: 5 });
    // No embedding was kept for that hit: nothing to remember, the point still tightens.
    expect(q.confusionCount('f')).toBe(0);
    expect(q.minProbability('f', BASE)).toBeCloseTo(BASE + STEP_UP, 9);
  });
});

/**
 * Competition between cached entries (judge/competition.ts, decide.ts): a query that sits between
 * two distinct stored questions is less certain of either, so a candidate the judge alone would
 * serve is refused when a close rival that is not its duplicate is stored too; a rival that is a
 * duplicate of the best candidate does not compete. Real SQLite file, real sqlite-vec store, the
 * shipped judge; the embeddings are constructed so the cosines are known.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideSemantic } from '../../proxy/src/cache/semantic/decide';
import { exclusiveProbability, odds } from '../../proxy/src/cache/semantic/judge/competition';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { SemanticQuality } from '../../proxy/src/cache/semantic/quality/qualityStore';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { dot } from '../../proxy/src/embedding/vector';

describe('exclusive probability (pure)', () => {
  it('is the judge P without rivals, falls with a plausible distinct rival, and ignores a duplicate rival', () => {
    expect(exclusiveProbability(0.86, [])).toBeCloseTo(0.86, 12);
    expect(exclusiveProbability(0.86, [{ probability: 0, sameAsBest: 0 }])).toBeCloseTo(0.86, 12);
    const contested = exclusiveProbability(0.86, [{ probability: 0.6, sameAsBest: 0 }]);
    // odds 6.14 against 1 + 6.14 + 1.5
    expect(contested).toBeCloseTo(odds(0.86) / (1 + odds(0.86) + odds(0.6)), 12);
    expect(contested).toBeLessThan(0.77);
    expect(exclusiveProbability(0.86, [{ probability: 0.6, sameAsBest: 1 }])).toBeCloseTo(0.86, 12);
    // Maybe a duplicate: the expectation over both cases; more rivals, less certainty.
    const half = exclusiveProbability(0.86, [{ probability: 0.6, sameAsBest: 0.5 }]);
    expect(half).toBeCloseTo(0.5 * 0.86 + 0.5 * contested, 12);
    const both = exclusiveProbability(0.86, [
      { probability: 0.6, sameAsBest: 0.5 },
      { probability: 0.3, sameAsBest: 0.2 },
    ]);
    const c = (m: number) => odds(0.86) / (1 + odds(0.86) + m);
    expect(both).toBeCloseTo(0.5 * 0.2 * c(0) + 0.5 * 0.2 * c(odds(0.6)) + 0.5 * 0.8 * c(odds(0.3)) + 0.5 * 0.8 * c(odds(0.6) + odds(0.3)), 12);
    expect(exclusiveProbability(0.86, [{ probability: 0.6, sameAsBest: 0 }, { probability: 0.3, sameAsBest: 0 }])).toBeLessThan(contested);
    expect(exclusiveProbability(0, [{ probability: 0.6, sameAsBest: 0 }])).toBe(0);
    expect(exclusiveProbability(1, [{ probability: 0.6, sameAsBest: 0 }])).toBeGreaterThan(0.999);
  });
});

describe('decision with rivals in a real store', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-competition-'));
    db = openDatabase(join(dir, 'c.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Orthonormal random directions (Gram–Schmidt on seeded vectors). */
  function basis(n: number): Float32Array[] {
    let s = 12345;
    const out: Float32Array[] = [];
    for (let k = 0; k < n; k++) {
      const v = Float64Array.from({ length: 512 }, () => {
        s = (s * 1664525 + 1013904223) % 4294967296;
        return s / 4294967296 - 0.5;
      });
      for (const u of out) {
        const d = v.reduce((acc, x, i) => acc + x * u[i]!, 0);
        for (let i = 0; i < 512; i++) v[i]! -= d * u[i]!;
      }
      const norm = Math.hypot(...v);
      out.push(Float32Array.from(v, (x) => x / norm));
    }
    return out;
  }
  /** cos·e1 + sin·e2 (unit length). */
  function at(cos: number, e1: Float32Array, e2: Float32Array, sign = 1): Float32Array {
    const sin = Math.sqrt(1 - cos * cos);
    return Float32Array.from(e1, (x, i) => cos * x + sign * sin * e2[i]!);
  }

  const query = 'My new card has not arrived yet, what should I do?';
  const best = 'My card has not arrived yet, what should I do?';
  const rival = 'My new card has not arrived yet, how do I track it?';

  it('serves the best candidate alone, refuses it when a close distinct rival is stored (competition on), serves it with competition off (the default)', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const store = new SemanticStore(db);
    store.migrate();
    const quality = new SemanticQuality(db);
    const [e1, e2] = basis(2);
    const q = e1!;
    const a = at(0.95, e1!, e2!);
    const b = at(0.93, e1!, e2!, -1); // on the other side of the query: a distinct question
    expect(dot(a, b)).toBeLessThan(0.8);
    const pBest = judge.score(dot(q, a), query, best);
    const pRival = judge.score(dot(q, b), query, rival);
    const pSame = judge.score(dot(b, a), rival, best);
    expect(pRival).toBeLessThan(pBest);
    // The best candidate clears the point on its own; with the rival's odds counted it does not.
    const rule = { baseMinProbability: (pBest + exclusiveProbability(pBest, [{ probability: pRival, sameAsBest: pSame }])) / 2, wrongAnswerCostUsd: 0 };
    const deps = { store, judge, quality, savedUsd: () => 0.01, competition: true };
    const lookup = { namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: q, text: query, feature: 'support' };
    const expiresAt = Date.now() + 60_000;
    store.insert({ entryId: 1, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: a, text: best, expiresAt });
    const alone = decideSemantic(deps, lookup, rule);
    expect(alone).toMatchObject({ serve: true, entryId: 1 });
    if (alone.serve) expect(alone.probability).toBeCloseTo(pBest, 6);

    store.insert({ entryId: 2, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: b, text: rival, expiresAt });
    const contested = decideSemantic(deps, lookup, rule);
    expect(contested).toMatchObject({ serve: false, reason: 'below' });
    if (!contested.serve) expect(contested.bestProbability).toBeLessThan(rule.baseMinProbability);
    // Off (the default), the pair alone decides.
    expect(decideSemantic({ ...deps, competition: false }, lookup, rule)).toMatchObject({ serve: true, entryId: 1 });
    const { competition: _on, ...byDefault } = deps;
    expect(decideSemantic(byDefault, lookup, rule)).toMatchObject({ serve: true, entryId: 1 });
  });

  it('a stored duplicate of the best candidate is no rival: the hit is still served', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const store = new SemanticStore(db);
    store.migrate();
    const quality = new SemanticQuality(db);
    const [e1, e2, e3] = basis(3);
    const a = at(0.95, e1!, e2!);
    // The same question stored twice (e.g. once before a restart): nearly the same embedding.
    const a2 = Float32Array.from(at(0.999, a, e3!));
    const pBest = judge.score(dot(e1!, a), query, best);
    const rule = { baseMinProbability: pBest - 0.03, wrongAnswerCostUsd: 0 };
    const deps = { store, judge, quality, savedUsd: () => 0.01, competition: true };
    const expiresAt = Date.now() + 60_000;
    store.insert({ entryId: 1, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: a, text: best, expiresAt });
    store.insert({ entryId: 2, namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: a2, text: best, expiresAt });
    const d = decideSemantic(deps, { namespace: 'ns', modelId: USE_LITE_MODEL_ID, vector: e1!, text: query }, rule);
    expect(d).toMatchObject({ serve: true });
  });
});

/** The learned router's pure parts: weights file checks, prediction, exemplar blending, training math. */
import { describe, expect, it } from 'vitest';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { CHEAP_FEATURES, cheapVector, routerVector } from '../../proxy/src/routing/learned/features';
import { chooseThresholds, fitLogistic, type ThresholdRow } from '../../scripts/lib/router/fit';
import { loadRouterModel, modelChecksum, RouterModelError, sigmoid, type RouterModelFile } from '../../proxy/src/routing/learned/model';
import { blendExemplars, predictTier, shippedRouterModel } from '../../proxy/src/routing/learned/router';

const user = (text: string) => [{ role: 'user', text }];

describe('shipped router weights', () => {
  it('load with a valid checksum, both variants the right width, thresholds in (0, 1)', () => {
    const m = shippedRouterModel();
    expect(m.embeddingModelId).toBe(USE_LITE_MODEL_ID);
    expect(m.variants.embedding.atLeastMedium.weights).toHaveLength(512 + CHEAP_FEATURES.length);
    expect(m.variants.cheap.large.weights).toHaveLength(CHEAP_FEATURES.length);
    for (const v of Object.values(m.variants)) for (const t of Object.values(v.thresholds)) expect(t > 0 && t < 1).toBe(true);
    expect(m.sources.map((s) => s.name)).toContain('project');
    for (const s of m.sources) expect(s.licence).not.toBe('unknown');
  });

  it('a tampered file is refused', () => {
    const m = JSON.parse(JSON.stringify(shippedRouterModel())) as RouterModelFile;
    m.variants.cheap.thresholds.medium = 0.01;
    expect(() => loadRouterModel(m)).toThrow(RouterModelError);
    const { checksum: _c, ...rest } = m;
    expect(() => loadRouterModel({ ...rest, checksum: modelChecksum(rest) })).not.toThrow();
    expect(() => loadRouterModel({ ...m, format: 'other' })).toThrow(/format/);
  });
});

describe('predictTier', () => {
  it('falls back to cheap features, saying why, when the embedding is missing or from another model', () => {
    const none = predictTier({ messages: user('What is the capital of France?'), embeddingUnavailable: 'embedding model loading' });
    expect(none.variant).toBe('cheap');
    expect(none.fallbackReason).toBe('embedding model loading');
    const other = predictTier({ messages: user('hi'), embedding: { modelId: 'Xenova/all-MiniLM-L6-v2', vector: new Float32Array(384) } });
    expect(other.variant).toBe('cheap');
    expect(other.fallbackReason).toMatch(/all-MiniLM-L6-v2 is not the router's/);
    const v = new Float32Array(512);
    v[0] = 1;
    expect(predictTier({ messages: user('hi'), embedding: { modelId: USE_LITE_MODEL_ID, vector: v } }).variant).toBe('embedding');
  });

  it('probabilities are ordered: P(large) ≤ P(≥ medium)', () => {
    for (const text of ['hi', 'Prove that there are infinitely many primes of the form 4k+3, step by step.', 'x'.repeat(5000)]) {
      const p = predictTier({ messages: user(text) }).p;
      expect(p.large).toBeLessThanOrEqual(p.atLeastMedium);
      expect(p.atLeastMedium).toBeGreaterThanOrEqual(0);
      expect(p.atLeastMedium).toBeLessThanOrEqual(1);
    }
  });

  it('a near-duplicate team exemplar outweighs the model; a loose match only nudges; a far one is ignored', () => {
    const prior = { atLeastMedium: 0.1, large: 0.02 };
    const dup = blendExemplars(prior, [{ tier: 'large', similarity: 0.98 }]);
    expect(dup.p.large).toBeGreaterThan(0.7);
    const loose = blendExemplars(prior, [{ tier: 'large', similarity: 0.8 }]);
    expect(loose.p.large).toBeGreaterThan(prior.large);
    expect(loose.p.large).toBeLessThan(0.3);
    const far = blendExemplars(prior, [{ tier: 'large', similarity: 0.5 }]);
    expect(far).toEqual({ p: prior, used: [] });
  });

  it('exemplars decide the tier through predictTier too', () => {
    const base = predictTier({ messages: user('What is the capital of France?') });
    const pushed = predictTier({ messages: user('What is the capital of France?'), exemplars: [{ tier: 'large', similarity: 0.99 }, { tier: 'large', similarity: 0.97 }] });
    expect(pushed.tier).toBe('large');
    expect(pushed.exemplars).toHaveLength(2);
    expect(base.exemplars).toHaveLength(0);
  });
});

describe('router vector', () => {
  it('is the √d-scaled embedding followed by the cheap features', () => {
    const e = new Float32Array(4).fill(0.5);
    const v = routerVector(user('Write a function'), e);
    expect(v.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(v.slice(4)).toEqual(cheapVector(user('Write a function')));
    expect(cheapVector(user('Which is right?\nA) one\nB) two\nC) three\nD) four'))[CHEAP_FEATURES.indexOf('choices')]).toBe(1);
  });
});

describe('training math', () => {
  it('fitLogistic separates a separable set, deterministically', () => {
    const x = [[0, 1], [0.2, 0.9], [1, 0], [0.9, 0.1], [0.1, 0.8], [0.8, 0.3]];
    const y = [0, 0, 1, 1, 0, 1];
    const w = x.map(() => 1);
    const a = fitLogistic(x, y, w, { l2: 0, iterations: 300, learningRate: 0.1 });
    const b = fitLogistic(x, y, w, { l2: 0, iterations: 300, learningRate: 0.1 });
    expect(a).toEqual(b);
    const p = x.map((r) => sigmoid(a.bias + a.weights[0]! * r[0]! + a.weights[1]! * r[1]!));
    p.forEach((pi, i) => expect(pi > 0.5 ? 1 : 0).toBe(y[i]));
  });

  it('chooseThresholds minimises cost within the routed-below-need bound', () => {
    const cost = { small: 1, medium: 4, large: 20 };
    // Small prompts have low probabilities, the large one is certain; one medium prompt looks small.
    const rows: ThresholdRow[] = [
      ...Array.from({ length: 8 }, () => ({ p: { atLeastMedium: 0.1, large: 0.05 }, label: 'small' as const, cost, weight: 1 })),
      { p: { atLeastMedium: 0.15, large: 0.05 }, label: 'medium', cost, weight: 1 },
      { p: { atLeastMedium: 1, large: 1 }, label: 'large', cost, weight: 1 },
    ];
    const loose = chooseThresholds(rows, 0.1);
    expect(loose.underRouted).toBeLessThanOrEqual(0.1);
    expect(loose.thresholds.medium).toBeGreaterThan(0.15); // the medium prompt may go small: 10 % allowed
    const strict = chooseThresholds(rows, 0);
    expect(strict.underRouted).toBe(0);
    expect(strict.thresholds.medium).toBeLessThanOrEqual(0.15);
    expect(strict.costRatio).toBeGreaterThan(loose.costRatio);
  });
});

describe('nearestVotes', () => {
  it('returns the k most similar, best first, like a full sort', async () => {
    const { nearestVotes } = await import('../../proxy/src/routing/exemplarStore');
    const dims = 8;
    const vecs = Array.from({ length: 40 }, (_, i) => {
      const v = new Float32Array(dims).map((_, d) => Math.sin(i * 3.1 + d * 1.7));
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    const tiers = vecs.map((_, i) => (['small', 'medium', 'large'] as const)[i % 3]!);
    const lines = vecs.map((_, i) => i + 2);
    const q = vecs[7]!;
    const full = vecs
      .map((v, i) => ({ tier: tiers[i]!, similarity: v.reduce((s, x, d) => s + x * q[d]!, 0), line: lines[i]! }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 5);
    const got = nearestVotes(q, vecs, tiers, lines, 5);
    expect(got.map((g) => g.line)).toEqual(full.map((f) => f.line));
    expect(got[0]!.line).toBe(9);
    expect(nearestVotes(q, vecs.slice(0, 3), tiers, lines, 5)).toHaveLength(3);
  });
});

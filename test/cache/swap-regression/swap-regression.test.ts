/**
 * The hand-written swap and paraphrase pairs (pairs.ts) through the real bundled USE-lite embedder
 * (the worker-thread service, as the proxy runs it), the shipped judge at its operating point (the
 * most a feature is served at with `wrongAnswerCostUsd: 0`) and the judge-less lexical guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vetoReason } from '../../../proxy/src/cache/semantic/guard';
import { shippedJudgeFor } from '../../../proxy/src/cache/semantic/judge/shipped';
import { USE_LITE_MODEL_ID } from '../../../proxy/src/embedding/backends/use-lite';
import { EmbeddingService } from '../../../proxy/src/embedding/service';
import { DEFAULT_THRESHOLDS } from '../../../proxy/src/embedding/thresholds';
import { dot } from '../../../proxy/src/embedding/vector';
import { PARAPHRASES, SWAPS } from './pairs';

const service = new EmbeddingService({ backend: 'use-lite', log: () => undefined });
const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
const cosines = new Map<string, number>();

beforeAll(async () => {
  service.start();
  for (const [a, b] of [...SWAPS, ...PARAPHRASES]) {
    const [va, vb] = await service.embedMany([a, b]);
    cosines.set(`${a}\u0000${b}`, dot(va!, vb!));
  }
}, 180_000);
afterAll(() => service.close());

/** Served by the judge either way round (query a, stored b, or the reverse). */
function judgeServes(a: string, b: string): boolean {
  const cosine = cosines.get(`${a}\u0000${b}`)!;
  return [judge.judge(cosine, a, b), judge.judge(cosine, b, a)].some((v) => v.veto === undefined && v.probability >= judge.minProbability);
}

/** Served without a judge: the backend's cosine threshold and no lexical veto either way round. */
function guardServes(a: string, b: string): boolean {
  return cosines.get(`${a}\u0000${b}`)! >= DEFAULT_THRESHOLDS['use-lite'] && vetoReason(a, b) === undefined && vetoReason(b, a) === undefined;
}

describe('one-word swaps (a different object, place, product or number in the same question)', () => {
  it(`are written as pairs of distinct questions (${SWAPS.length} of them)`, () => {
    expect(SWAPS.length).toBeGreaterThanOrEqual(80);
    expect(new Set(SWAPS.map(([a, b]) => `${a}|${b}`)).size).toBe(SWAPS.length);
  });

  it('are not served by the judge, except the one known miss (measured 2026-12-04: 101 of 102 refused)', () => {
    // "flu" / "cold sore": two words for one at cosine 0.80, P 0.77 — the judge's own blind spot,
    // no veto rule sees it. Listed so that any new served swap fails this test.
    const served = SWAPS.filter(([a, b]) => judgeServes(a, b)).map(([a, b]) => `${a} / ${b}`);
    expect(served).toEqual(['How long does the flu last? / How long does a cold sore last?']);
  });

  it('are all vetoed by the judge-less guard, whatever the cosine', () => {
    const passed = SWAPS.filter(([a, b]) => vetoReason(a, b) === undefined || vetoReason(b, a) === undefined);
    expect(passed).toEqual([]);
    expect(SWAPS.filter(([a, b]) => guardServes(a, b))).toEqual([]);
  });
});

describe('paraphrases (the same request reworded)', () => {
  it('are served by the judge (measured 2026-12-03: 32 of 40; the rest swap in a synonym or add a word)', () => {
    const served = PARAPHRASES.filter(([a, b]) => judgeServes(a, b));
    expect(served.length).toBeGreaterThanOrEqual(32);
  });

  it('pass the judge-less guard when only function words, word forms or sides of a list change (measured: 23 of 40 served)', () => {
    expect(PARAPHRASES.filter(([a, b]) => guardServes(a, b)).length).toBeGreaterThanOrEqual(23);
  });
});

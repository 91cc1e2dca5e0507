/**
 * The shipped judge weights: intact (checksum), fitted for the embedder they name, and scoring in
 * the proxy (EquivalenceJudge) exactly as the training script's path (featurise → probability)
 * does. Plus the applicability rules, the blind-spot vetoes and the per-request embedding memo.
 */
import { describe, expect, it } from 'vitest';
import { cannotJudgeReason } from '../../proxy/src/cache/semantic/judge/applicability';
import { EquivalenceJudge } from '../../proxy/src/cache/semantic/judge/judge';
import { checkWeights, fitLogistic, probability, type JudgeWeights } from '../../proxy/src/cache/semantic/judge/model';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { featurise } from '../../proxy/src/cache/semantic/judge/train';
import weightsFile from '../../proxy/src/cache/semantic/judge/weights-use-lite-v1.json';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { embedRequestText } from '../../proxy/src/embedding/requestEmbedding';

const weights = weightsFile as unknown as JudgeWeights;

function vec(cos: number): [Float32Array, Float32Array] {
  // Two unit vectors at the given cosine.
  return [Float32Array.from([1, 0]), Float32Array.from([cos, Math.sqrt(1 - cos * cos)])];
}

describe('shipped judge weights', () => {
  it('load with a valid checksum for USE-lite only, and refuse a tampered file', () => {
    expect(shippedJudgeFor(USE_LITE_MODEL_ID)).toBeInstanceOf(EquivalenceJudge);
    expect(shippedJudgeFor('some-other-model')).toBeUndefined();
    expect(() => checkWeights(weights, USE_LITE_MODEL_ID)).not.toThrow();
    expect(() => checkWeights({ ...weights, coef: weights.coef.map((c, i) => (i === 0 ? c + 0.01 : c)) })).toThrow(/checksum/);
    expect(() => checkWeights(weights, 'Xenova/all-MiniLM-L6-v2')).toThrow(/fitted for/);
    expect(weights.operatingPoint.minProbability).toBeGreaterThan(0.5);
  });

  it('score the same in the proxy as in the training script', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const pairs = [
      { index: 0, a: 'How do I reset my password?', b: 'How can I reset my password?', same: true },
      { index: 1, a: 'What is the best offline dictionary for PC?', b: 'What is the best offline dictionary for Android?', same: false },
      { index: 2, a: 'Is smoking allowed here?', b: 'Is smoking not allowed here?', same: false },
      { index: 3, a: 'How many moons does Jupiter have in 2021?', b: 'How many moons does Jupiter have?', same: false },
    ];
    const cosines = [0.97, 0.95, 0.96, 0.93];
    const vs = cosines.map(vec);
    const trained = featurise(pairs, vs.map((v) => v[0]), vs.map((v) => v[1]), weights.idf);
    trained.forEach((t, i) => {
      expect(t.cosine).toBeCloseTo(cosines[i]!, 6);
      const p = judge.score(t.cosine, pairs[i]!.a, pairs[i]!.b);
      expect(p).toBe(probability(weights, t.x));
    });
    // And the features separate what the cosine cannot: a different object or number scores lower.
    const same = judge.score(0.95, pairs[0]!.a, pairs[0]!.b);
    expect(judge.score(0.95, pairs[1]!.a, pairs[1]!.b)).toBeLessThan(same);
    expect(judge.score(0.95, pairs[3]!.a, pairs[3]!.b)).toBeLessThan(same);
  });

  it('fitting is deterministic', () => {
    const x = Array.from({ length: 60 }, (_v, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
    const y = x.map((r) => (r[0]! + 0.5 * r[1]! > 0.2 ? 1 : 0));
    expect(fitLogistic(x, y)).toEqual(fitLogistic(x, y));
  });
});

describe('what the judge will not decide', () => {
  it('vetoes differing quoted text or identifiers whatever the score', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    expect(judge.judge(0.99, 'What does `foo.bar()` return?', 'What does `foo.baz()` return?').veto).toMatch(/quoted/);
    expect(judge.judge(0.99, 'How do I use numpy.array?', 'How do I use numpy.zeros?').veto).toMatch(/identifiers/);
    expect(judge.judge(0.99, 'How do I reset my password?', 'How can I reset my password?').veto).toBeUndefined();
  });

  it('refuses non-English text with an English-only model, and long code', () => {
    expect(cannotJudgeReason('Как сбросить пароль?')).toBe('not English');
    expect(cannotJudgeReason('¿Cómo puedo restablecer mi contraseña de correo electrónico rápidamente?')).toBe('not English');
    expect(cannotJudgeReason('How can I reset the password of my email account quickly?')).toBeUndefined();
    const code = 'Fix this:\n' + Array.from({ length: 15 }, (_v, i) => `  const x${i} = compute(${i}); if (x${i} > 3) { total += x${i}; }`).join('\n');
    expect(cannotJudgeReason(code)).toBe('long code');
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    expect(judge.judge(0.99, 'Как сбросить пароль?', 'Как сбросить пароль сейчас?').veto).toMatch(/cannot judge: not English/);
  });
});

describe('one embedding per request', () => {
  it('the second caller of the same request and text gets the same promise; another request embeds again', async () => {
    let calls = 0;
    const embedder = { embedIfReady: (t: string) => (calls++, Promise.resolve(Float32Array.from([t.length]))) };
    const ctxA = {};
    const p1 = embedRequestText(ctxA, 'hello', embedder);
    const p2 = embedRequestText(ctxA, 'hello', embedder);
    expect(p2).toBe(p1);
    expect(calls).toBe(1);
    embedRequestText({}, 'hello', embedder);
    expect(calls).toBe(2);
    const notReady = { embedIfReady: () => undefined };
    const ctxB = {};
    expect(embedRequestText(ctxB, 'x', notReady)).toBeUndefined();
    expect(embedRequestText(ctxB, 'x', embedder)).toBeDefined();
  });
});

/**
 * The shipped judge weights: intact (checksum), fitted for the embedder they name, and scoring in
 * the proxy (EquivalenceJudge) exactly as the training script's path (featurise → probability)
 * does. Plus the applicability rules, the blind-spot vetoes and the per-request embedding memo.
 */
import { describe, expect, it } from 'vitest';
import { cannotJudgeReason, inputLimitOf } from '../../proxy/src/cache/semantic/inputLimit';
import { EquivalenceJudge } from '../../proxy/src/cache/semantic/judge/judge';
import { FEATURE_NAMES, LCS_MAX_WORDS } from '../../proxy/src/cache/semantic/judge/features';
import { gbdtMargin } from '../../proxy/src/cache/semantic/judge/gbdt';
import { fitGbdt } from '../../scripts/lib/judge/fit-gbdt';
import { fitLogistic } from '../../scripts/lib/judge/fit-logistic';
import { checkWeights, probability, type GbdtWeights, type LogisticWeights } from '../../proxy/src/cache/semantic/judge/model';
import { shippedJudgeFor, shippedVersionsFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { auc, crossValidate, featurise, type FeaturisedPair } from '../../scripts/lib/judge/train';
import weightsV1File from '../../proxy/src/cache/semantic/judge/weights-use-lite-v1.json';
import weightsV2File from '../../proxy/src/cache/semantic/judge/weights-use-lite-v2.json';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { embedRequestText } from '../../proxy/src/embedding/requestEmbedding';

const weightsV1 = weightsV1File as unknown as LogisticWeights;
const weights = weightsV2File as unknown as GbdtWeights;

function vec(cos: number): [Float32Array, Float32Array] {
  // Two unit vectors at the given cosine.
  return [Float32Array.from([1, 0]), Float32Array.from([cos, Math.sqrt(1 - cos * cos)])];
}

describe('shipped judge weights', () => {
  it('load with a valid checksum for USE-lite only, newest version by default, and refuse a tampered file', () => {
    expect(shippedVersionsFor(USE_LITE_MODEL_ID)).toEqual([2, 1]);
    expect(shippedJudgeFor(USE_LITE_MODEL_ID)).toBeInstanceOf(EquivalenceJudge);
    expect(shippedJudgeFor(USE_LITE_MODEL_ID)!.weights.model).toBe('gbdt');
    expect(shippedJudgeFor(USE_LITE_MODEL_ID, 1)!.weights.version).toBe(1);
    expect(shippedJudgeFor('some-other-model')).toBeUndefined();
    expect(() => checkWeights(weights, USE_LITE_MODEL_ID)).not.toThrow();
    expect(() => checkWeights(weightsV1, USE_LITE_MODEL_ID)).not.toThrow();
    expect(() => checkWeights({ ...weightsV1, coef: weightsV1.coef.map((c, i) => (i === 0 ? c + 0.01 : c)) })).toThrow(/checksum/);
    const tree = weights.gbdt.trees[7]!;
    const leaf = tree.f.indexOf(-1);
    const tampered = { ...tree, t: tree.t.map((v, i) => (i === leaf ? v + 0.01 : v)) };
    expect(() => checkWeights({ ...weights, gbdt: { ...weights.gbdt, trees: weights.gbdt.trees.map((t, i) => (i === 7 ? tampered : t)) } })).toThrow(/checksum/);
    expect(() => checkWeights({ ...weights, features: [...weights.features, 'a_feature_from_the_future'] })).toThrow();
    expect(() => checkWeights(weights, 'Xenova/all-MiniLM-L6-v2')).toThrow(/fitted for/);
    expect(weights.operatingPoint.minProbability).toBeGreaterThan(0.5);
    expect(weights.operatingPoint.cvPrecision).toBeGreaterThanOrEqual(weights.operatingPoint.precisionTarget);
  });

  it("reproduce the training script's probabilities exactly through the proxy's judge", () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    expect(weights.selfCheck!.length).toBeGreaterThanOrEqual(5);
    for (const c of weights.selfCheck!) expect(judge.score(c.cosine, c.a, c.b)).toBe(c.p);
    // The probabilities span the scale (the check is not trivially all-0 or all-1).
    const ps = weights.selfCheck!.map((c) => c.p);
    expect(Math.max(...ps) - Math.min(...ps)).toBeGreaterThan(0.3);
  });

  for (const [name, w] of [
    ['v2 (trees)', weights],
    ['v1 (logistic)', weightsV1],
  ] as const) {
    it(`${name}: score the same in the proxy as in the training script's path`, () => {
      const judge = shippedJudgeFor(USE_LITE_MODEL_ID, w.version)!;
      const pairs = [
        { index: 0, a: 'How do I reset my password?', b: 'How can I reset my password?', same: true },
        { index: 1, a: 'What is the best offline dictionary for PC?', b: 'What is the best offline dictionary for Android?', same: false },
        { index: 2, a: 'Is smoking allowed here?', b: 'Is smoking not allowed here?', same: false },
        { index: 3, a: 'How many moons does Jupiter have in 2021?', b: 'How many moons does Jupiter have?', same: false },
      ];
      const cosines = [0.97, 0.95, 0.96, 0.93];
      const vs = cosines.map(vec);
      const trained = featurise(
        pairs,
        vs.map((v) => v[0]),
        vs.map((v) => v[1]),
        w.idf,
      );
      trained.forEach((t, i) => {
        expect(t.cosine).toBeCloseTo(cosines[i]!, 6);
        expect(t.x).toHaveLength(FEATURE_NAMES.length);
        const p = judge.score(t.cosine, pairs[i]!.a, pairs[i]!.b);
        expect(p).toBe(probability(w, t.x));
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      });
      // And the features separate what the cosine cannot: a different object or number scores lower.
      const same = judge.score(0.95, pairs[0]!.a, pairs[0]!.b);
      expect(judge.score(0.95, pairs[1]!.a, pairs[1]!.b)).toBeLessThan(same);
      expect(judge.score(0.95, pairs[3]!.a, pairs[3]!.b)).toBeLessThan(same);
    });
  }

  it('fitting is deterministic', () => {
    const x = Array.from({ length: 60 }, (_v, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
    const y = x.map((r) => (r[0]! + 0.5 * r[1]! > 0.2 ? 1 : 0));
    expect(fitLogistic(x, y)).toEqual(fitLogistic(x, y));
    expect(fitGbdt(x, y, { trees: 20 })).toEqual(fitGbdt(x, y, { trees: 20 }));
  });
});

describe('gradient-boosted trees', () => {
  // A target no linear model can separate: same sign of two features (XOR of signs).
  const x = Array.from({ length: 400 }, (_v, i) => [Math.sin(i * 1.7), Math.cos(i * 2.3), ((i * 7) % 11) / 11]);
  const y = x.map((r) => (r[0]! * r[1]! > 0 ? 1 : 0));
  const labels = y.map((v) => v === 1);

  it('learn an interaction a logistic regression cannot', () => {
    const trees = fitGbdt(x, y, { trees: 60, depth: 3, minChildWeight: 1 });
    const lin = fitLogistic(x, y);
    expect(auc(x.map((r) => gbdtMargin(trees, r)), labels)).toBeGreaterThan(0.95);
    expect(auc(x.map((r) => probability(lin, r)), labels)).toBeLessThan(0.8);
    // Every tree is a valid preorder layout: a right child lies beyond its left subtree.
    for (const t of trees.trees) {
      t.f.forEach((f, i) => {
        if (f >= 0) expect(t.r[i]!).toBeGreaterThan(i + 1);
      });
    }
  });

  it('cross-validate with an out-of-fold calibration whose probabilities match observed rates', () => {
    const data: FeaturisedPair[] = x.map((r, i) => ({
      pair: { index: i, a: `q${i}`, b: `r${i}`, same: labels[i]! },
      cosine: 0,
      // Full-width vectors: the first three features carry the signal, the rest are constant.
      x: FEATURE_NAMES.map((_f, j) => (j < 3 ? r[j]! : 0)),
    }));
    const spec = { model: 'gbdt' as const, params: { trees: 60, depth: 3, learningRate: 0.1, lambda: 1, minChildWeight: 1, subsample: 1, bins: 32, seed: 1 }, features: FEATURE_NAMES.slice(0, 3) };
    const cv = crossValidate(data, 5, 1, spec);
    expect(cv.auc).toBeGreaterThan(0.9);
    expect(crossValidate(data, 5, 1, spec).oof).toEqual(cv.oof);
    const confident = cv.oof.map((p, i) => [p, y[i]!] as const).filter(([p]) => p >= 0.8);
    expect(confident.length).toBeGreaterThan(50);
    expect(confident.filter(([, t]) => t === 1).length / confident.length).toBeGreaterThan(0.8);
  });
});

describe('what the judge will not decide', () => {
  it('vetoes differing quoted text or identifiers whatever the score', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    expect(judge.judge(0.99, 'What does `foo.bar()` return?', 'What does `foo.baz()` return?').veto).toMatch(/quoted/);
    expect(judge.judge(0.99, 'How do I use numpy.array?', 'How do I use numpy.zeros?').veto).toMatch(/identifiers/);
    expect(judge.judge(0.99, 'How do I reset my password?', 'How can I reset my password?').veto).toBeUndefined();
  });

  it('vetoes a reversed direction (conversions, translations, routes), which the shipped score rates as the same request', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const reversed: [string, string][] = [
      ['How do I convert celsius to fahrenheit?', 'How do I convert fahrenheit to celsius?'],
      ['translate this sentence from english into spanish', 'translate this sentence from spanish into english'],
      ['Convert binary to hexadecimal by hand', 'Convert hexadecimal to binary by hand'],
    ];
    for (const [a, b] of reversed) {
      // The bag-of-words features cannot see the order: without the veto these would be served.
      expect(judge.score(0.97, a, b)).toBeGreaterThan(judge.weights.operatingPoint.minProbability);
      expect(judge.judge(0.97, a, b).veto).toMatch(/direction reversed/);
      expect(judge.judge(0.97, b, a).veto).toMatch(/direction reversed/);
    }
    // Same direction, reworded: no veto.
    expect(judge.judge(0.97, 'How do I convert celsius to fahrenheit?', 'how can I convert celsius into fahrenheit').veto).toBeUndefined();
    // "to" as an infinitive or a destination named once is no direction to reverse.
    expect(judge.judge(0.97, 'How to move files to a new folder?', 'How do I move files to a new folder?').veto).toBeUndefined();
  });

  it('vetoes an opposite in a word\'s place and two words that change places, which the shipped score rates as the same request', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    // Cosines as USE-lite gives them (0.95–0.99): each scored at or above the operating point.
    const different: [number, string, string, RegExp][] = [
      [0.988, 'How do I turn on dark mode in Chrome?', 'How do I turn off dark mode in Chrome?', /opposite words/],
      [0.989, 'What is the shipping cost to the UK?', 'What is the shipping cost from the UK?', /opposite words/],
      [0.994, 'Please summarize the main arguments for nuclear power in a short paragraph', 'Please summarize the main arguments against nuclear power in a short paragraph', /opposite words/],
      [0.987, 'How do I zoom in on a PDF?', 'How do I zoom out on a PDF?', /opposite words/],
      [0.983, 'the price went up after I ordered', 'the price went down after I ordered', /opposite words/],
      [0.968, 'How do I import data into Excel?', 'How do I export data from Excel?', /opposite words/],
      [0.981, 'How do I increase my credit score?', 'How do I decrease my credit score?', /opposite words/],
      [0.993, 'How to bake bread at high altitude', 'How to bake bread at low altitude', /opposite words/],
      [0.988, 'How many teaspoons are in a tablespoon?', 'How many tablespoons are in a teaspoon?', /words swapped/],
      [0.956, 'How many centimeters are in an inch?', 'How many inches are in a centimeter?', /words swapped/],
      // The same numbers in another order: the number feature compares them as a set.
      [0.971, 'What is 2 to the power of 10?', 'What is 10 to the power of 2?', /numbers in another order/],
    ];
    for (const [cosine, a, b, why] of different) {
      expect(judge.score(cosine, a, b), `${a} / ${b}`).toBeGreaterThanOrEqual(judge.weights.operatingPoint.minProbability);
      expect(judge.judge(cosine, a, b).veto, `${a} / ${b}`).toMatch(why);
      expect(judge.judge(cosine, b, a).veto, `${b} / ${a}`).toMatch(why);
    }
    // The same request reworded keeps its score: a symmetric list reordered, an opposite used on
    // both sides or not in the same place, a paraphrase that moves words around.
    const same: [string, string][] = [
      ['Is it better to rent or buy a house?', 'Is it better to buy or rent a house?'],
      ['How do I turn on dark mode in Chrome?', 'How can I turn on dark mode in Chrome?'],
      ['I need to fly from New York to Boston next Tuesday, what are the cheapest options?', 'What are the cheapest options to fly from New York to Boston next Tuesday?'],
      ['What is the difference between a virus and a bacteria?', 'What is the difference between a bacteria and a virus?'],
      ['Where can I get a new card from?', 'Where to get a new card?'],
      ['How do I move money from savings to checking?', 'How can I move money from savings to checking?'],
      ['What is 2 to the power of 10?', "What's two to the power of 10?"],
    ];
    for (const [a, b] of same) expect(judge.judge(0.97, a, b).veto, `${a} / ${b}`).toBeUndefined();
  });

  it('refuses non-English text with an English-only model, and long code', () => {
    const useLite = inputLimitOf({ backend: 'use-lite', modelId: USE_LITE_MODEL_ID });
    const why = (t: string) => cannotJudgeReason(t, useLite);
    expect(why('Как сбросить пароль?')).toBe('not English');
    expect(why('¿Cómo puedo restablecer mi contraseña de correo electrónico rápidamente?')).toBe('not English');
    expect(why('How can I reset the password of my email account quickly?')).toBeUndefined();
    // Short Latin-script questions have too few words for the function-word share: before, a
    // Spanish paraphrase was served through the proxy at P 0.80. An accented letter or Spanish
    // punctuation in a short prompt marks it, whatever the language.
    for (const short of ['¿Cómo restablezco mi contraseña?', 'Wie spät ist es in München?', "Qual é a capital do Brasil?", "Dov'è la stazione?", 'Jak się masz?', '¿Dónde está?']) {
      expect(why(short), short).toBe('not English');
    }
    for (const english of ['Tell me a joke', 'Pizza Margherita recipe', 'python list comprehension example', 'Is it a good idea?']) {
      expect(why(english), english).toBeUndefined();
    }
    const code = 'Fix this:\n' + Array.from({ length: 15 }, (_v, i) => `  const x${i} = compute(${i}); if (x${i} > 3) { total += x${i}; }`).join('\n');
    // Long code is refused even by an embedder that reads all of it (OpenAI's: 8,191 tokens).
    expect(cannotJudgeReason(code, inputLimitOf({ backend: 'upstream', modelId: 'upstream:api.openai.com/text-embedding-3-small' }))).toBe('long code');
  });

  it('one English-only rule, by the model the embedder runs (not by its backend)', () => {
    const russian = 'Как сбросить пароль?';
    const why = (backend: 'upstream' | 'transformers' | 'use-lite', modelId: string) => cannotJudgeReason(russian, inputLimitOf({ backend, modelId }));
    // An upstream server running an English-only model (MiniLM behind an embeddings API) reads
    // Russian no better than the local MiniLM does; a multilingual model run locally reads it.
    expect(why('upstream', 'upstream:127.0.0.1:8080/sentence-transformers/all-MiniLM-L6-v2')).toBe('not English');
    expect(why('upstream', 'upstream:embeddings.example/nomic-embed-text')).toBe('not English');
    expect(why('transformers', 'Xenova/paraphrase-multilingual-MiniLM-L12-v2')).toBeUndefined();
    expect(why('transformers', 'Xenova/multilingual-e5-small')).toBeUndefined();
    expect(why('upstream', 'upstream:api.openai.com/text-embedding-3-small')).toBeUndefined();
    expect(why('transformers', 'Xenova/all-MiniLM-L6-v2')).toBe('not English');
    expect(why('use-lite', USE_LITE_MODEL_ID)).toBe('not English');
  });
});

describe('one embedding per request', () => {
  it('the second caller of the same request and text gets the same promise; another request embeds again', async () => {
    let calls = 0;
    const embedder = {
      embedIfReady: (t: string) => {
        calls++;
        return Promise.resolve(Float32Array.from([t.length]));
      },
    };
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

describe('pair features on long prompts', () => {
  it('stay bounded and in range (the order feature looks at the first LCS_MAX_WORDS words)', () => {
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const words = Array.from({ length: 3000 }, (_v, i) => `word${i % 997}x`).join(' ');
    const x = judge.features(0.9, `Summarise this: ${words}`, `Summarise this please: ${words}`);
    expect(x).toHaveLength(FEATURE_NAMES.length);
    for (const v of x) expect(Number.isFinite(v)).toBe(true);
    const lcs = x[FEATURE_NAMES.indexOf('lcs_ratio')]!;
    expect(lcs).toBeGreaterThan(0.9);
    expect(lcs).toBeLessThanOrEqual(1);
    expect(LCS_MAX_WORDS).toBeLessThan(3000);
  });
});

/**
 * App-shaped traffic through the real proxy (real USE-lite, sqlite-vec, the OpenAI SDK; only the
 * provider is the fake): with the semantic cache loosened the way users loosen it (no
 * wrong-answer cost, maxFalseHitRisk 0.4), a template over a different input (translation,
 * classification, summarisation, RAG context) or short code one operator apart is never served
 * another input's answer, while a re-worded instruction over the same input still hits.
 */
import { describe, expect, it } from 'vitest';
import { replay } from './replay';
import { dev, dev2 } from './workload';

const SHAPES = new Set(['rag', 'extract', 'classify-unquoted', 'translate', 'summarise', 'code', 'classify-q', 'trailing-instruction']);

describe('app-shaped traffic through the proxy', () => {
  it('no false hits on instruction + input prompts, paraphrased instructions still hit', async () => {
    const counts = await replay([...dev, ...dev2].filter((r) => SHAPES.has(r.shape)), { wrongAnswerCostUsd: 0, maxFalseHitRisk: 0.4 });
    for (const shape of SHAPES) expect({ shape, falseHits: counts[shape]?.falseHits, examples: counts[shape]?.falseExamples }).toEqual({ shape, falseHits: 0, examples: [] });
    // "Extract the invoice total from: X" / "… from the following text: X", "Translate into French: X" / "Translate this into French: X".
    expect(counts.extract?.trueHits).toBeGreaterThanOrEqual(4);
    expect(counts.translate?.trueHits).toBeGreaterThanOrEqual(4);
  }, 300_000);
});

/**
 * The evaluation's replays (scripts/lib/semantic-eval/workload.ts) decide as the proxy does: a
 * prompt the embedder cannot judge (inputLimit.ts) is neither looked up nor indexed, on the
 * judge's path and the judge-less one. Real USE-lite vectors, real sqlite-vec store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import type { Embedder } from '../../proxy/src/embedding/types';
import { replayWorkload, replayWorkloadJudged, type WorkloadPrompt } from '../../scripts/lib/semantic-eval/workload';

let embedder: Embedder;

beforeAll(async () => {
  embedder = await openUseLiteEmbedder();
});

afterAll(async () => {
  await embedder?.close();
});

async function stream(rows: Array<[prompt: string, intent: string]>): Promise<WorkloadPrompt[]> {
  const vectors = await embedder.embed(rows.map(([p]) => p));
  return rows.map(([prompt, intent], i) => ({ prompt, intent, vector: vectors[i]! }));
}

/** A shared context longer than USE-lite reads (128 tokens): what follows it never changes the vector. */
const CONTEXT = Array.from({ length: 12 }, (_v, i) => `Clause ${i + 1}: the tenant pays the rent on the first working day of each month and keeps the flat in good order.`).join(' ');

describe('evaluation replays refuse what the proxy refuses', () => {
  it('two long prompts that differ only past what the embedder reads: no hit, neither indexed', async () => {
    const prompts = await stream([
      [`${CONTEXT} Question: can the landlord raise the rent this year?`, 'raise'],
      [`${CONTEXT} Question: may I keep a dog in the flat?`, 'pets'],
      ['How do I reset my password?', 'password'],
      ['How can I reset my password?', 'password'],
    ]);
    expect(prompts[0]!.vector.reduce((s, x, i) => s + x * prompts[1]!.vector[i]!, 0)).toBeGreaterThan(0.999);
    const judge = shippedJudgeFor(embedder.info.modelId)!;
    const judged = replayWorkloadJudged(prompts, { judge, rule: { baseMinProbability: judge.minProbability, wrongAnswerCostUsd: 0 }, embedder: embedder.info, savedUsd: () => 0.01, feedback: false });
    expect(judged.hits.map((h) => [h.index, h.matchedIndex])).toEqual([[3, 2]]);
    expect(judged.falseHits).toBe(0);
    expect(judged.refused).toBe(2);
    const guarded = replayWorkload(prompts, 0.9, true, embedder.info);
    expect(guarded.falseHits).toBe(0);
    expect(guarded.refused).toBe(2);
  });

  it('the judge-less replay refuses another language for an English-only embedder', async () => {
    const prompts = await stream([
      ['Wie spät ist es in Berlin', 'time-berlin'],
      ['Wie spät ist es in Berlin?', 'time-berlin-question'],
      ['What time is it in Berlin', 'time'],
      ['What time is it in Berlin?', 'time'],
    ]);
    const r = replayWorkload(prompts, 0.9, true, embedder.info);
    expect(r.hits.map((h) => [h.index, h.matchedIndex])).toEqual([[3, 2]]);
    expect(r.refused).toBe(2);
  });
});

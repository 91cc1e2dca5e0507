/**
 * The learned router's per-request cost and size. Timed beside two baselines from the same run:
 * the USE-lite embedding of the same prompt (which the router needs, and the semantic cache
 * computes anyway) and the old hand-weighted score. "router" = routeRequest with the learned
 * model, the embedding given, and nearest-neighbour votes over 500 team exemplars.
 */
import { readFileSync } from 'node:fs';
import { openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { routeRequest } from '../../proxy/src/routing/route';
import { shippedRouterModel } from '../../proxy/src/routing/learned/router';
import { nearestVotes } from '../../proxy/src/routing/exemplarStore';
import { percentile, timeSerial, type BenchSection } from '../lib';

const PROMPTS = [
  'What is the capital of Australia?',
  'Explain the difference between a mutex and a semaphore, with an example of when each is the right tool.',
  'A train leaves at 3 pm going 60 mph; another leaves at 4 pm going 80 mph on the same track. When does the second catch up? Show your work.',
  'Design a multi-region event store for a payments ledger with exactly-once processing; compare consensus replication with async replication plus reconciliation.',
];

export default async function (): Promise<BenchSection> {
  const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };
  const learned = PolicySchema.parse({ routing: { tiers } });
  const score = PolicySchema.parse({ routing: { tiers, router: 'score' } });
  const embedder = await openUseLiteEmbedder();
  const rows = [];
  try {
    const vectors = await embedder.embed(PROMPTS);
    // 500 exemplars: the prompts' vectors perturbed, so votes are computed over realistic neighbours.
    const exemplarVectors = Array.from({ length: 500 }, (_, i) => {
      const base = vectors[i % vectors.length]!;
      const v = base.map((x, d) => x + 0.05 * Math.sin(i * 13 + d));
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    const exemplarTiers = exemplarVectors.map((_, j) => (['small', 'medium', 'large'] as const)[j % 3]!);
    const exemplarLines = exemplarVectors.map((_, j) => j + 2);
    let i = 0;
    const embed = await timeSerial(200, async () => embedder.embed([PROMPTS[i++ % PROMPTS.length]!]), 20);
    i = 0;
    const router = await timeSerial(2000, () => {
      const k = i++ % PROMPTS.length;
      const vector = vectors[k]!;
      const votes = nearestVotes(vector, exemplarVectors, exemplarTiers, exemplarLines, 5);
      return routeRequest({ policy: learned, provider: 'openai', model: 'auto', messages: [{ role: 'user', text: PROMPTS[k]! }], headers: {}, inputTokens: 0, embedding: { modelId: embedder.info.modelId, vector }, exemplars: votes });
    });
    i = 0;
    const bare = await timeSerial(2000, () => {
      const k = i++ % PROMPTS.length;
      return routeRequest({ policy: learned, provider: 'openai', model: 'auto', messages: [{ role: 'user', text: PROMPTS[k]! }], headers: {}, inputTokens: 0, embedding: { modelId: embedder.info.modelId, vector: vectors[k]! } });
    });
    i = 0;
    const old = await timeSerial(2000, () => routeRequest({ policy: score, provider: 'openai', model: 'auto', messages: [{ role: 'user', text: PROMPTS[i++ % PROMPTS.length]! }], headers: {}, inputTokens: 0 }));
    for (const [name, t] of [['USE-lite embedding (baseline)', embed], ['learned router + 500 exemplars', router], ['learned router, no exemplars', bare], ['old score router', old]] as const) {
      rows.push({ name, 'p50 ms': percentile(t, 50), 'p99 ms': percentile(t, 99), 'p99 / embedding p50': percentile(t, 99) / percentile(embed, 50) });
    }
  } finally {
    await embedder.close();
  }
  const m = shippedRouterModel();
  const params = Object.values(m.variants).reduce((s, v) => s + 2 * (v.atLeastMedium.weights.length + 3), 0);
  const bytes = readFileSync(new URL('../../proxy/src/routing/learned/router-weights.json', import.meta.url)).length;
  return {
    title: 'Learned router: per-request cost beside the USE-lite embedding, and model size',
    rows,
    notes: [`Shipped weights: ${bytes} bytes of JSON, ${params} parameters (two variants × two logistic heads + Platt scaling), sha256 ${m.checksum.slice(0, 12)}….`, 'Target: router p99 ≤ 2 ms beside the embedding (which the semantic cache computes anyway).'],
  };
}

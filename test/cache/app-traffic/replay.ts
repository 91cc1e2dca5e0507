/**
 * Replays an app-shaped workload through a real proxy (real USE-lite, real sqlite-vec, the
 * official OpenAI SDK; only the provider is the fake) and counts true / false semantic hits per
 * shape. Used by the tests here and by the measurement script (`npx tsx test/cache/app-traffic/run.ts`).
 */
import OpenAI from 'openai';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import { startHarness, waitForEmbedder } from '../../support/harness';
import type { AppRequest } from './workload';

export interface ShapeCount {
  requests: number;
  /** Requests whose answer class was answered before (a hit could be right). */
  repeats: number;
  trueHits: number;
  falseHits: number;
  falseExamples: string[];
}

export async function replay(reqs: AppRequest[], semantic: Record<string, unknown>): Promise<Record<string, ShapeCount>> {
  const policy = { cache: { semantic: { enabled: true, backend: 'use-lite', embedTimeoutMs: 20_000, ...semantic } } } as PolicyInput;
  const h = await startHarness(policy);
  try {
    await waitForEmbedder(h.proxy.url);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-app-traffic', maxRetries: 0 });
    const answerClass = new Map<string, { cls: string; text: string }>();
    const seen = new Set<string>();
    const out: Record<string, ShapeCount> = {};
    for (const r of reqs) {
      const c = out[r.shape] ?? { requests: 0, repeats: 0, trueHits: 0, falseHits: 0, falseExamples: [] };
      out[r.shape] = c;
      c.requests++;
      if (seen.has(r.cls)) c.repeats++;
      const { data, response } = await client.chat.completions
        .create(r.body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers: { 'x-tollgate-feature': r.shape } })
        .withResponse();
      const answer = data.choices[0]?.message.content ?? '';
      const cache = response.headers.get('x-tollgate-cache');
      const last = r.body.messages.at(-1)?.content ?? '';
      if (cache === 'semantic') {
        const src = answerClass.get(answer);
        if (src?.cls === r.cls) c.trueHits++;
        else {
          c.falseHits++;
          c.falseExamples.push(`${JSON.stringify(last.slice(0, 90))} <= ${JSON.stringify(src?.text.slice(0, 90))} p=${response.headers.get('x-tollgate-hit-probability')}`);
        }
      } else if (cache !== 'exact') {
        answerClass.set(answer, { cls: r.cls, text: last });
      }
      seen.add(r.cls);
    }
    return out;
  } finally {
    await h.close();
  }
}

export function table(counts: Record<string, ShapeCount>): string {
  const rows = Object.entries(counts).map(([s, c]) => `| ${s} | ${c.requests} | ${c.repeats} | ${c.trueHits} | ${c.falseHits} |`);
  const t = Object.values(counts).reduce((a, c) => ({ requests: a.requests + c.requests, repeats: a.repeats + c.repeats, trueHits: a.trueHits + c.trueHits, falseHits: a.falseHits + c.falseHits }), { requests: 0, repeats: 0, trueHits: 0, falseHits: 0 });
  return ['| shape | requests | repeats | true hits | false hits |', '| --- | --- | --- | --- | --- |', ...rows, `| **all** | ${t.requests} | ${t.repeats} | ${t.trueHits} | ${t.falseHits} |`].join('\n');
}

/**
 * Quality sampling: for a sampled share of successful calls routed below the large tier, send the
 * same request to the large tier and ask a cheap judge whether the two answers agree — in the
 * background, after the client has its answer. Both extra calls go through this proxy itself
 * (loopback, with the client's own credentials and tags, never stored), so they are priced, written
 * to the ledger and admitted against budgets like any call. Only OpenAI chat completions and
 * Anthropic messages are sampled; other endpoints are skipped.
 */
import type { Policy, Tier } from '../../policy/schema';
import { JUDGE_SYSTEM, judgeUserTurn, parseVerdict } from './judgePrompt';
import type { QualityMonitor, QualitySample } from './monitor';

/** Marks the proxy's own sampling calls, so they are never routed or sampled again. */
export const SAMPLE_HEADER = 'x-tollgate-quality-sample';

type Json = Record<string, unknown>;

export interface SampleCandidate {
  requestId: string;
  /** Loopback base URL of this proxy (`http://127.0.0.1:<port>`). */
  selfUrl: string;
  /** `/v1/chat/completions` or `/v1/messages`. */
  path: string;
  provider: string;
  tier: Tier;
  model: string;
  body: Json;
  responseBody: Json;
  /** The client's request headers (credentials and tags are forwarded, never stored). */
  headers: Record<string, string | string[] | undefined>;
  question: string;
}

const FORWARDED = ['authorization', 'x-api-key', 'anthropic-version', 'anthropic-beta', 'openai-organization', 'openai-project', 'x-tollgate-team', 'x-tollgate-feature', 'x-tollgate-user'];

/** The assistant text of a chat-completions or messages response. */
export function answerText(body: unknown): string {
  const b = body as Json | undefined;
  const choices = b?.choices as Array<{ message?: { content?: unknown } }> | undefined;
  if (Array.isArray(choices)) return typeof choices[0]?.message?.content === 'string' ? (choices[0].message.content as string) : '';
  const content = b?.content as Array<{ type?: string; text?: unknown }> | undefined;
  if (Array.isArray(content)) return content.map((c) => (c.type === 'text' && typeof c.text === 'string' ? c.text : '')).join('');
  return '';
}

export interface SamplerDeps {
  monitor: QualityMonitor;
  random?: () => number;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export class QualitySampler {
  private inFlight = 0;
  constructor(private readonly deps: SamplerDeps) {}

  /** Whether this call should be sampled (policy, tier, endpoint, the sampling draw). */
  shouldSample(policy: Pick<Policy, 'routing'>, c: Pick<SampleCandidate, 'tier' | 'path' | 'provider' | 'headers'>): boolean {
    const q = policy.routing.qualitySampling;
    if (!q.enabled || q.rate <= 0 || c.tier === 'large' || c.headers[SAMPLE_HEADER] !== undefined) return false;
    if (c.path !== '/v1/chat/completions' && c.path !== '/v1/messages') return false;
    if (!policy.routing.tiers[c.provider]?.large) return false;
    if (this.inFlight >= 4) return false; // sampling never piles up behind a slow upstream
    return (this.deps.random ?? Math.random)() < q.rate;
  }

  /** Runs one sample to the end; resolves with what was recorded (undefined when a call failed). */
  async sample(policy: Pick<Policy, 'routing'>, c: SampleCandidate): Promise<QualitySample | undefined> {
    const tiers = policy.routing.tiers[c.provider]!;
    const largeModel = tiers.large!;
    const judgeModel = policy.routing.qualitySampling.judgeModel ?? tiers.small ?? tiers.medium ?? largeModel;
    this.inFlight += 1;
    try {
      const large = await this.call(c, { ...withoutStreaming(c.body), model: largeModel });
      if (!large) return undefined;
      const user = judgeUserTurn(c.question, answerText(c.responseBody), answerText(large.body));
      const judgeBody: Json =
        c.path === '/v1/messages'
          ? { model: judgeModel, max_tokens: 5, system: JUDGE_SYSTEM, messages: [{ role: 'user', content: user }] }
          : { model: judgeModel, max_tokens: 5, messages: [{ role: 'system', content: JUDGE_SYSTEM }, { role: 'user', content: user }] };
      const judge = await this.call(c, judgeBody);
      if (!judge) return undefined;
      const sample: QualitySample = {
        ts: Date.now(),
        requestId: c.requestId,
        tier: c.tier,
        model: c.model,
        largeModel,
        verdict: parseVerdict(answerText(judge.body)),
        costUsd: large.costUsd + judge.costUsd,
      };
      this.deps.monitor.record(sample);
      return sample;
    } catch (err) {
      this.deps.log?.(`quality sample of ${c.requestId} failed: ${(err as Error).message}`);
      return undefined;
    } finally {
      this.inFlight -= 1;
    }
  }

  private async call(c: SampleCandidate, body: Json): Promise<{ body: Json; costUsd: number } | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [SAMPLE_HEADER]: c.requestId };
    for (const name of FORWARDED) {
      const v = c.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const res = await (this.deps.fetch ?? fetch)(`${c.selfUrl}${c.path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => undefined)) as Json | undefined;
    if (!res.ok || !json) {
      this.deps.log?.(`quality sample of ${c.requestId}: ${body.model as string} answered ${res.status}`);
      return undefined;
    }
    return { body: json, costUsd: Number(res.headers.get('x-tollgate-cost-usd') ?? 0) || 0 };
  }
}

function withoutStreaming(body: Json): Json {
  const { stream: _s, stream_options: _o, ...rest } = body;
  return rest;
}

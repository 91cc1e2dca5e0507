/**
 * The learned router's live parts, built once per proxy: the embedder, the team's exemplar file
 * (watched), and a short memory of recently routed prompts so a dashboard verdict on a call can
 * become an exemplar. The memory holds at most `recentLimit` prompts, in memory only (the ledger
 * keeps only a preview); after a restart, older calls cannot be labelled from the dashboard.
 */
import type { Db } from '../db/open';
import type { Policy, Tier } from '../policy/schema';
import { QualityMonitor, type RouteQuality } from './quality/monitor';
import { QualitySampler, type SampleCandidate } from './quality/sampler';
import { RouterEmbedder, type RouterEmbedderOptions } from './embedding';
import { ExemplarStore } from './exemplarStore';
import type { ChatText } from './features';
import { askText, routingAsk } from './features';
import type { ExemplarVote, RoutingEmbedding } from './learned/router';
import { adjacentTier, ExemplarFileUnread, writeExemplar } from './teamExemplars';

export interface LearnedInputs {
  embedding?: RoutingEmbedding;
  embeddingUnavailable?: string;
  exemplars?: ExemplarVote[];
}

export interface RouterRuntimeOptions extends RouterEmbedderOptions {
  /** `.tollgate/router-exemplars.tsv` of the policy's repository; absent with an in-memory policy. */
  exemplarsPath?: string;
  recentLimit?: number;
  /** The proxy's database: quality sampling keeps its results there (no sampling without it). */
  db?: Db;
  log?: (line: string) => void;
  /** Sampling draw (tests pass a fixed one). */
  random?: () => number;
}

/** What quality sampling needs of a finished call (a slice of the pipeline's CallContext). */
export interface FinishedCall {
  requestId: string;
  status: number;
  cacheStatus: string;
  provider?: { name: string };
  modelUsed: string;
  body: Record<string, unknown>;
  responseBody?: Record<string, unknown>;
  req: { headers: Record<string, string | string[] | undefined>; originalUrl: string; socket: { localPort?: number | undefined } };
}

export type Verdict = 'bigger' | 'smaller';

export class FeedbackError extends Error {
  override name = 'FeedbackError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class RouterRuntime {
  readonly embedder: RouterEmbedder;
  readonly exemplars: ExemplarStore;
  private readonly recent = new Map<string, string>();
  private readonly recentLimit: number;
  readonly monitor: QualityMonitor | undefined;
  readonly sampler: QualitySampler | undefined;
  /** Samples still running (tests wait for them; close() lets them finish). */
  readonly pendingSamples = new Set<Promise<unknown>>();

  constructor(readonly opts: RouterRuntimeOptions = {}) {
    this.embedder = new RouterEmbedder(opts);
    this.exemplars = new ExemplarStore(opts.exemplarsPath, this.embedder);
    this.recentLimit = opts.recentLimit ?? 500;
    if (opts.db) {
      this.monitor = new QualityMonitor(opts.db);
      this.sampler = new QualitySampler({ monitor: this.monitor, ...(opts.random ? { random: opts.random } : {}), ...(opts.log ? { log: opts.log } : {}) });
    }
  }

  /** After a routed call finished: maybe start a quality sample in the background (never awaited by the call). */
  afterCall(policy: Pick<Policy, 'routing'>, call: FinishedCall, tier: Tier, messages: ChatText[]): void {
    if (!this.sampler || !call.provider || call.status !== 200 || call.cacheStatus === 'exact' || call.cacheStatus === 'semantic' || !call.responseBody) return;
    const path = call.req.originalUrl.split('?')[0] ?? '';
    const c = { tier, path, provider: call.provider.name, headers: call.req.headers };
    if (!this.sampler.shouldSample(policy, c)) return;
    const candidate: SampleCandidate = {
      ...c,
      requestId: call.requestId,
      selfUrl: `http://127.0.0.1:${call.req.socket.localPort ?? 0}`,
      model: call.modelUsed,
      body: structuredClone(call.body),
      responseBody: call.responseBody,
      question: askText(messages),
    };
    const p = this.sampler.sample(policy, candidate).then((s) => {
      const alarm = s && this.quality(policy).find((q) => q.tier === s.tier && q.model === s.model && q.alarm);
      if (alarm) this.opts.log?.(`router quality drift: ${alarm.tier} (${alarm.model}): ${alarm.alarmReason}`);
    });
    this.pendingSamples.add(p);
    void p.finally(() => this.pendingSamples.delete(p));
  }

  /** Measured quality loss per route, with the drift alarm. */
  quality(policy: Pick<Policy, 'routing'>): RouteQuality[] {
    const q = policy.routing.qualitySampling;
    return this.monitor?.routes({ window: q.window, alarmLoss: q.alarmLoss, alarmRise: q.alarmRise }) ?? [];
  }

  /** Embedding and exemplar votes for a conversation; never waits for a model to load. */
  /**
   * `key`: the request's context object (one embedding per request, shared with the semantic cache).
   * `ask`: routingAsk(messages), when the caller has it already.
   */
  async inputsFor(messages: ChatText[], key?: object, ask: string = routingAsk(messages)): Promise<LearnedInputs> {
    void this.exemplars.refresh();
    const outcome = await this.embedder.embed(ask, key);
    if ('unavailable' in outcome) return { embeddingUnavailable: outcome.unavailable };
    const exemplars = this.exemplars.nearest(outcome.embedding.vector);
    return { embedding: outcome.embedding, ...(exemplars.length ? { exemplars } : {}) };
  }

  /**
   * Remembers the prompt of a routed call (by request id) for a later verdict: what the router read
   * of it (routingAsk), so an exemplar written from it embeds like the call did — for pasted
   * material its request, not the material's first characters. `ask`: routingAsk(messages), when
   * the caller has it already.
   */
  remember(requestId: string, messages: ChatText[], ask: string = routingAsk(messages)): void {
    this.recent.delete(requestId);
    this.recent.set(requestId, ask);
    while (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value!);
  }

  /**
   * Writes an exemplar from a verdict on a routed call: the call's prompt with one tier above
   * ("needed a bigger model") or below ("a smaller one would do") the tier it was routed to.
   */
  recordVerdict(call: { requestId: string; route?: string; promptPreview?: string }, verdict: Verdict): { prompt: string; tier: Tier; count: number } {
    if (!this.opts.exemplarsPath) throw new FeedbackError(409, 'no policy file: the exemplars live beside .tollgate/policy.yaml, and the proxy runs without one');
    const routed = routedTier(call.route);
    if (!routed) throw new FeedbackError(400, 'this call was not routed to a tier (no x-tollgate-route tier)');
    const prompt = this.recent.get(call.requestId);
    if (!prompt) throw new FeedbackError(409, 'the prompt of this call is no longer in memory (only recent routed calls can be labelled)');
    const tier = adjacentTier(routed, verdict);
    const reason = `dashboard: routed ${routed}, ${verdict === 'bigger' ? 'needed a bigger model' : 'a smaller one would do'}`;
    let count: number;
    try {
      ({ count } = writeExemplar(this.opts.exemplarsPath, { prompt, tier, reason }));
    } catch (err) {
      if (err instanceof ExemplarFileUnread) throw new FeedbackError(409, err.message);
      throw err;
    }
    void this.exemplars.refresh(Number.MAX_SAFE_INTEGER);
    return { prompt, tier, count };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pendingSamples]);
    await this.embedder.close();
  }
}

/** The tier at the start of a route header (`medium; p=…`), if any. */
export function routedTier(route: string | undefined): Tier | undefined {
  const head = route?.split(';')[0]?.trim();
  return head === 'small' || head === 'medium' || head === 'large' ? head : undefined;
}

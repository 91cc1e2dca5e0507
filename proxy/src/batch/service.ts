/**
 * Batch accounting, independent of HTTP: who submits (identity, tags, key namespace), which lines
 * the cache already answers, the worst case a submission reserves against budgets, and one ledger
 * row per result, priced at the batch rate, recorded once however often results are fetched.
 */
import { formatUsd } from '../../../contract/format';
import { exactCacheKey, keyHeaders, sha256 } from '../cache/canonical';
import type { CacheEntry } from '../cache/exactCache';
import { statefulReason } from '../cache/stateful';
import { unstorableReason } from '../cache/storable';
import type { Governor } from '../governance/governor';
import { resolveTags } from '../governance/scope';
import type { NewCallRecord } from '../ledger/ledger';
import type { CallRecord, CallTags } from '../ledger/types';
import { pricedAs } from '../pricing/price';
import { cacheDirectivesOf } from '../cache/directives';
import { clientKey, keyFingerprint, tagValue as tag, utf8Header } from '../pipeline/identity';
import type { ProxyServices } from '../pipeline/services';
import type { ResolvedProvider } from '../policy/schema';
import { chooseProvider, type NormalizedUsage, type Protocol } from '../providers';
import { PROTOCOLS } from '../providers/protocol';
import { quickEstimate } from '../workers/tokenCounter';
import { requestedMaxOutput, type BatchRequestLine, type BatchResultLine } from './lines';
import { batchUpstream, batchUpstreamOf, priceAtTier } from './rates';
import type { BatchRow, BatchStore, StoredLine } from './store';

/**
 * How long a batch's reservation is held before it counts as orphaned (and is charged at its worst
 * case until its results are read): both providers give a batch 24 hours to finish, plus an hour.
 */
const BATCH_HOLD_MS = 25 * 3_600_000;

export interface BatchIdentity {
  provider: ResolvedProvider;
  apiKey: string | undefined;
  keyFingerprint: string;
  namespace: string;
  tags: CallTags;
  /** False when the client sent `x-tollgate-cache: no-cache` (or no-store): nothing is answered from the cache. */
  useCache: boolean;
  /** False when the client sent `x-tollgate-cache: no-store` (or caching is off): no result is stored. */
  storeResults: boolean;
  /**
   * The forwarded headers that change the answer (`keyHeaders`), part of every line's key as in a
   * real-time call: the batch's lines run with the headers of the request that submits them.
   */
  keyHeaders: Record<string, string>;
}

export interface PreparedInput {
  lines: StoredLine[];
  /** Requests the provider must still run. */
  toSend: BatchRequestLine[];
  cached: number;
}

export type AdmitOutcome =
  | { ok: true; reservationId?: string; worstCaseUsd: number; budgetHeader?: string }
  | { ok: false; message: string; retryAfterSec?: number; worstCaseUsd: number };

type Headers = Record<string, string | string[] | undefined>;

// Header values as UTF-8 where they are (tags in any script), like the proxy's own routes.
const header = (h: Headers, name: string): string | undefined => (typeof h[name] === 'string' ? utf8Header(h[name] as string) : undefined);

export class BatchService {
  constructor(
    readonly services: ProxyServices,
    readonly store: BatchStore,
    private readonly governor: Governor | undefined,
  ) {}

  /** The provider, key and tags of a batch request, from its headers (as for a real-time call). */
  identify(headers: Headers, protocol: Protocol): BatchIdentity | { error: string } {
    const choice = chooseProvider(this.services.providers(), protocol, '', header(headers, 'x-tollgate-provider'));
    if ('error' in choice) return { error: choice.error };
    const fromClient = clientKey(headers, '', protocol);
    const placeholder = fromClient !== undefined && /^(tollgate|dummy|sk-dummy|none|placeholder)$/i.test(fromClient);
    // Trimmed like the pipeline's (identity.ts environmentKey): a CRLF .env leaves "\r" that undici refuses in a header.
    const apiKey = (!placeholder && fromClient) || this.services.env[choice.provider.apiKeyEnv]?.trim() || undefined;
    const fp = keyFingerprint(this.services.salt, apiKey);
    const policy = this.services.policy.policy;
    const { keyFingerprint: _fp, ...tags } = resolveTags(
      fp,
      { team: tag(header(headers, 'x-tollgate-team')), feature: tag(header(headers, 'x-tollgate-feature')), user: tag(header(headers, 'x-tollgate-user')) },
      policy,
    );
    const directives = cacheDirectivesOf(headers);
    if ('error' in directives) return { error: directives.error };
    return {
      provider: choice.provider,
      apiKey,
      keyFingerprint: fp,
      // The same namespace real-time calls use, so a batch line and a live call share answers.
      namespace: namespaceFor(fp, policy.cache.version),
      tags,
      useCache: policy.cache.enabled && directives.lookup,
      storeResults: policy.cache.enabled && directives.store,
      keyHeaders: keyHeaders(headers, choice.provider.headers, PROTOCOLS[choice.provider.kind].requiredHeaders),
    };
  }

  /**
   * Cache keys, sizes and cache hits for each request line; the lines the cache answers are not
   * sent. A line the cache must not answer or keep (one continuing provider-side state,
   * cache/stateful.ts, or any line of a no-store submission) gets an empty key: never looked up,
   * its result never stored.
   */
  prepare(id: BatchIdentity, requests: readonly BatchRequestLine[]): PreparedInput {
    const defaults = this.services.policy.policy.defaults.maxOutputTokens;
    const lines: StoredLine[] = [];
    const toSend: BatchRequestLine[] = [];
    let cached = 0;
    for (const r of requests) {
      const cacheable = id.storeResults && statefulReason(r.endpoint, r.body) === undefined;
      const key = cacheable ? exactCacheKey(id.namespace, r.endpoint, id.provider.name, r.body, id.keyHeaders) : '';
      const hit: CacheEntry | undefined = cacheable && id.useCache ? this.services.exactCache.get(key) : undefined;
      // Worst case: ~4 characters per token of the whole body is an over-estimate for prompts (JSON punctuation counts too).
      const inputTokens = quickEstimate([JSON.stringify(r.body.messages ?? r.body.input ?? r.body.prompt ?? r.body)]);
      lines.push({
        customId: r.customId,
        endpoint: r.endpoint,
        model: r.model,
        cacheKey: key,
        inputTokens,
        maxOutput: requestedMaxOutput(r.body) ?? defaults,
        cachedEntryId: hit ? hit.id : null,
      });
      if (hit) cached += 1;
      else toSend.push(r);
    }
    return { lines, toSend, cached };
  }

  /** Reserves the worst case of the lines that will run (at the batch rate) against every budget that applies. */
  admit(id: BatchIdentity, lines: readonly StoredLine[]): AdmitOutcome {
    let worstCaseUsd = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    // The model the governor judges the batch by: the first line it cannot price, if any (a budget
    // with `unpriced: block` refuses it; judged by the first line, an Anthropic batch mixing models
    // ran its unpriced lines at $0 past such a budget), else the first line's.
    let judged: { model: string; priced: boolean } | undefined;
    for (const l of lines) {
      if (l.cachedEntryId !== null) continue;
      inputTokens += l.inputTokens;
      outputTokens += l.maxOutput;
      const price = priceAtTier(l.model, { inputTokens: l.inputTokens, outputTokens: l.maxOutput }, pricedAs(id.provider), 'batch', { upstream: batchUpstream(id.provider) });
      worstCaseUsd += price.totalUsd;
      if (!judged || (judged.priced && !price.priced)) judged = { model: l.model, priced: price.priced };
    }
    if (!this.governor || inputTokens + outputTokens === 0) return { ok: true, worstCaseUsd };
    const result = this.governor.admit({
      identity: { keyFingerprint: id.keyFingerprint, ...id.tags },
      provider: id.provider.name,
      pricedAs: pricedAs(id.provider),
      model: judged?.model ?? '',
      inputTokens,
      maxOutputTokens: outputTokens,
      worstCaseUsd,
      refuseIfWorstCaseExceeds: true,
    });
    if (result.decision === 'block' || result.decision === 'downgrade') {
      if (result.reservationId) this.governor.release(result.reservationId);
      const why = result.decision === 'downgrade' ? 'a budget over its limit would downgrade these calls, and a batch cannot change model' : (result.message ?? 'a budget is exhausted');
      return { ok: false, message: `Tollgate: this batch's worst case (${formatUsd(worstCaseUsd)} at the batch rate) is refused: ${why}.`, worstCaseUsd, ...(result.retryAfterSec !== undefined ? { retryAfterSec: result.retryAfterSec } : {}) };
    }
    return { ok: true, worstCaseUsd, ...(result.reservationId ? { reservationId: result.reservationId } : {}), ...(result.summary ? { budgetHeader: result.summary } : {}) };
  }

  /**
   * Save a submission the provider took (or the cache answered), and hand its reservation to the
   * provider in the same transaction: the provider runs the batch whether or not this proxy restarts
   * meanwhile. Until then the reservation is an ordinary call's, charged at its worst case by the
   * next start if the proxy dies while the submission is sent (it may have reached the provider).
   */
  saveBatch(row: BatchRow): void {
    this.services.db.transaction(() => {
      this.store.saveBatch(row);
      if (row.reservationId) this.governor?.holdForProvider(row.reservationId, BATCH_HOLD_MS);
    })();
  }

  release(reservationId: string | undefined): void {
    if (reservationId) this.governor?.release(reservationId);
  }

  /** The cached answers of a batch's lines, as provider result lines (and recorded as cache hits). */
  cachedResults(batch: BatchRow): Array<{ line: StoredLine; entry: CacheEntry }> {
    const out: Array<{ line: StoredLine; entry: CacheEntry }> = [];
    for (const line of this.store.lines(batch.inputId)) {
      if (line.cachedEntryId === null) continue;
      const entry = this.services.exactCache.getById(line.cachedEntryId);
      if (entry) out.push({ line, entry });
    }
    return out;
  }

  /**
   * One ledger row per result not yet recorded (priced at the batch rate, tagged like the
   * submission, linked to it), successful answers stored in the exact cache; returns how many rows
   * were written. Cached lines are recorded as exact hits with what the batch would have paid as saved.
   */
  record(batch: BatchRow, results: readonly BatchResultLine[], cached: ReadonlyArray<{ line: StoredLine; entry: CacheEntry }> = []): number {
    const lines = new Map(this.store.lines(batch.inputId).map((l) => [l.customId, l]));
    const done = this.store.recordedIds(batch.id);
    const provider = this.services.providers().get(batch.provider);
    const pricing = provider ? pricedAs(provider) : batch.provider;
    const at = { upstream: batchUpstreamOf(provider, batch.provider) };
    const policy = this.services.policy.policy;
    let written = 0;
    const now = Date.now();
    const recorded: CallRecord[] = [];
    this.services.db.transaction(() => {
      for (const r of results) {
        if (done.has(r.customId)) continue;
        const line = lines.get(r.customId);
        const model = r.model ?? line?.model ?? '';
        const usage = r.usage ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 };
        const price = priceAtTier(model, usage, pricing, 'batch', at);
        const call = this.services.ledger.insert(
          baseRow(batch, r.customId, now, {
            endpoint: `batch:${line?.endpoint ?? 'unknown'}`,
            modelRequested: line?.model ?? model,
            modelUsed: model,
            cache: 'miss',
            usage,
            costUsd: r.status === 200 ? price.totalUsd : 0,
            savedUsd: 0,
            priced: price.priced,
            status: r.status,
            ...(r.errorType ? { errorType: r.errorType } : {}),
          }),
        );
        this.store.linkResult(batch.id, r.customId, call.id);
        recorded.push(call);
        done.add(r.customId);
        written += 1;
        // An answer no cache may keep (storable.ts) is checked here: `put` would throw and undo every row.
        if (r.status === 200 && r.body && line?.cacheKey && provider && policy.cache.enabled && unstorableReason(line.endpoint, r.body) === undefined) {
          this.services.exactCache.put(
            { key: line.cacheKey, namespace: batch.namespace, endpoint: line.endpoint, provider: provider.name, model, body: r.body, usage, costUsd: price.totalUsd, prompt: null, ttlSeconds: policy.cache.ttlSeconds },
            policy.cache.maxEntries,
          );
        }
      }
      for (const { line, entry } of cached) {
        if (done.has(line.customId)) continue;
        const saved = priceAtTier(entry.model, entry.usage, pricing, 'batch', at);
        const call = this.services.ledger.insert(
          baseRow(batch, line.customId, now, {
            endpoint: `batch:${line.endpoint}`,
            modelRequested: line.model,
            modelUsed: entry.model,
            cache: 'exact',
            usage: entry.usage,
            costUsd: 0,
            savedUsd: saved.totalUsd,
            priced: saved.priced,
            status: 200,
            sourceEntryId: entry.id,
          }),
        );
        this.services.exactCache.markHit(entry.id);
        this.store.linkResult(batch.id, line.customId, call.id);
        recorded.push(call);
        done.add(line.customId);
        written += 1;
      }
    })();
    // Announced and counted once committed, like a live call's row (finishAttempt.ts): a refused commit (disk full)
    // rolls them back, and the dashboard's live feed and /metrics had counted calls the ledger never kept.
    for (const call of recorded) {
      this.services.ledger.announce(call);
      this.services.metrics.observe(call);
    }
    return written;
  }

  /**
   * Replaces the batch's reservation by what its recorded results cost and the tokens they used
   * (input + output, as a real-time call settles), once the batch ended and its results were read.
   * A token budget sees the tokens even when the model has no price ($0).
   */
  settle(batch: BatchRow): void {
    if (batch.settledAt !== null) return;
    const totals = this.store.totals(batch.id);
    if (batch.reservationId && this.governor) {
      if (totals.costUsd > 0 || totals.tokens > 0) this.governor.settle(batch.reservationId, { costUsd: totals.costUsd, tokens: totals.tokens });
      else this.governor.release(batch.reservationId);
    }
    this.store.markSettled(batch.id);
  }
}

/** The cache namespace of a key, as the identity stage derives it: salted key fingerprint + cache version. */
export function namespaceFor(fp: string, version: number): string {
  return sha256(`${fp}|v${version}`).slice(0, 32);
}


function baseRow(
  batch: BatchRow,
  customId: string,
  ts: number,
  f: {
    endpoint: string;
    modelRequested: string;
    modelUsed: string;
    cache: 'miss' | 'exact';
    usage: NormalizedUsage;
    costUsd: number;
    savedUsd: number;
    priced: boolean;
    status: number;
    errorType?: string;
    sourceEntryId?: number;
  },
): NewCallRecord {
  return {
    requestId: `tg_${batch.id}:${customId}`.slice(0, 200),
    ts,
    keyFingerprint: batch.keyFingerprint,
    tags: batch.tags,
    provider: batch.provider,
    endpoint: f.endpoint,
    modelRequested: f.modelRequested,
    modelUsed: f.modelUsed,
    stream: false,
    cache: f.cache,
    ...(f.sourceEntryId !== undefined ? { sourceEntryId: f.sourceEntryId } : {}),
    inputTokens: f.usage.inputTokens,
    outputTokens: f.usage.outputTokens,
    cachedTokens: f.usage.cachedTokens,
    cacheWriteTokens: f.usage.cacheWriteTokens,
    tokensEstimated: false,
    costUsd: f.costUsd,
    savedUsd: f.savedUsd,
    priced: f.priced,
    latencyMs: Math.max(0, ts - batch.createdAt),
    overheadMs: 0,
    status: f.status,
    ...(f.errorType ? { errorType: f.errorType } : {}),
    route: `batch ${batch.id}`,
    attempt: 1,
  };
}

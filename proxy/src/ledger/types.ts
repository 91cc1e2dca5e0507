/**
 * One row of the cost ledger: every call through the proxy, hit or miss, success or error.
 * Shared by the proxy (writer), its local API, the extension and the webview (readers).
 */
export type CacheStatus = 'miss' | 'exact' | 'semantic' | 'bypass';

export interface CallTags {
  team?: string;
  feature?: string;
  user?: string;
}

export interface CallRecord {
  /** Monotonic row id in the ledger. */
  id: number;
  requestId: string;
  /** Epoch milliseconds when the request arrived. */
  ts: number;
  /** Salted fingerprint of the API key (tg_…), never the key. */
  keyFingerprint: string;
  tags: CallTags;
  provider: string;
  /** e.g. "chat.completions", "messages", "responses", "embeddings". */
  endpoint: string;
  modelRequested: string;
  modelUsed: string;
  stream: boolean;
  cache: CacheStatus;
  /** Semantic hits: cosine similarity and the cache entry the answer came from. */
  similarity?: number;
  sourceEntryId?: number;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (OpenAI cached / Anthropic cache read). */
  cachedTokens: number;
  /** Anthropic cache-creation input tokens. */
  cacheWriteTokens: number;
  /** True when the upstream gave no usage and the counts come from the local tokenizer. */
  tokensEstimated: boolean;
  costUsd: number;
  /** What the answer would have cost upstream, for cache hits. */
  savedUsd: number;
  /** False when the model has no known price (cost then reads 0). */
  priced: boolean;
  latencyMs: number;
  overheadMs: number;
  /** HTTP status returned to the client. */
  status: number;
  errorType?: string;
  /** Routing decision ("medium; score=0.52; rule=…") when the model was chosen by Tollgate. */
  route?: string;
  /** Budget state seen by this call ("warn: team-daily 83%"). */
  budget?: string;
  /** 1 for the first upstream attempt; retries and fallbacks get their own rows. */
  attempt: number;
  /** Short preview of the last user turn (for the dashboard); never includes keys. */
  promptPreview?: string;
}

export interface CallPage {
  calls: CallRecord[];
  /** Pass as `before` to get the next (older) page; absent at the end. */
  nextBefore?: number;
  total: number;
}

export interface SummaryBucket {
  key: string;
  calls: number;
  costUsd: number;
  savedUsd: number;
  inputTokens: number;
  outputTokens: number;
  hits: number;
}

export interface Summary {
  from: number;
  to: number;
  totals: SummaryBucket;
  by: SummaryBucket[];
  /** When `bucketMs` was asked: spend over time, oldest first. */
  series?: Array<{ t: number; costUsd: number; savedUsd: number; calls: number; hits: number }>;
}

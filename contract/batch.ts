/**
 * The batch part of the local API (admin token): where batch or flex would have saved money, the
 * batches the proxy relayed, and the batch file built from captured request bodies. The proxy
 * types its batch routes against these; the extension's data source and the webview read them.
 * Types only.
 */
import type { CallTags } from './api';

/** One feature in GET /tollgate/batch/opportunities: its real-time calls priced at batch and flex rates. */
export interface BatchOpportunity {
  /** The feature tag, or "(untagged)". */
  feature: string;
  /** Real-time calls that reached the provider and succeeded (cache hits and batch results excluded). */
  calls: number;
  costUsd: number;
  /** The same calls at the provider's batch rate. */
  batchUsd: number;
  /** At the flex rate where the model offers flex, else at the standard rate. */
  flexUsd: number;
  /** Share of calls between 22:00 and 06:00 (the proxy's local time). */
  nightShare: number;
  /** Share of calls that streamed (someone was watching). */
  streamShare: number;
  latencyTolerant: boolean;
  /** Why it looks latency-tolerant ("named like offline work", "80 % of calls at night"…); empty when it does not. */
  reasons: string[];
}

/** GET /tollgate/batch/opportunities?from=<epoch ms> */
export interface BatchOpportunities {
  from: number;
  /** Largest saving first. */
  features: BatchOpportunity[];
}

/** One row of GET /tollgate/batches: a batch the proxy relayed, with what the ledger recorded for it. */
export interface BatchRecord {
  id: string;
  provider: string;
  /** The provider's status (OpenAI: validating … completed; Anthropic: in_progress, ended…). */
  status: string;
  tags: CallTags;
  /** Requests in the submitted input. */
  requests: number;
  /** Requests the cache answered (never sent to the provider). */
  cached: number;
  /** Results recorded in the ledger so far (they are recorded when the results are read). */
  results: number;
  /** Recorded results that failed, expired or were cancelled. */
  failed: number;
  /** Ledger cost of the recorded results, at the batch rate. */
  costUsd: number;
  /** What the cache-answered requests would have cost at the batch rate. */
  savedUsd: number;
  /** What the recorded results would have cost as real-time calls. */
  realtimeUsd: number;
  /** Reserved against budgets at submission. */
  worstCaseUsd: number;
  createdAt: number;
  settledAt: number | null;
  /** The cache answered every request; Tollgate served the batch itself. */
  answeredByCache: boolean;
}

/** GET /tollgate/batches */
export interface BatchList {
  batches: BatchRecord[];
}

/** GET /tollgate/batch/export: a batch input file built from captured request bodies (JSONL body). */
export interface BatchExportQuery {
  feature: string;
  /** Epoch ms bounds on the ledger rows' arrival time: since ≤ ts < until. */
  since: number;
  until?: number;
  /** Provider name as in the ledger (openai, anthropic, or a policy provider); needed when the feature's calls went to both protocols. */
  provider?: string;
}

/** Response headers of GET /tollgate/batch/export, so a client need not parse the file to report on it. */
export const BATCH_EXPORT_HEADERS = {
  /** Lines in the file. */
  lines: 'x-tollgate-batch-lines',
  /** "openai" (batch input lines) or "anthropic" ({custom_id, params} lines). */
  format: 'x-tollgate-batch-format',
  /** Ledger rows of the feature in the period whose body was not captured. */
  uncaptured: 'x-tollgate-batch-uncaptured',
  /** Captured calls left out: endpoints with no batch API, or another provider's calls. */
  skipped: 'x-tollgate-batch-skipped',
} as const;

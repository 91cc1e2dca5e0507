/**
 * A batch input file from the ledger: the captured bodies of one feature's calls in a period,
 * written in the provider's batch line format with `custom_id` = "call-<ledger row id>", ready for
 * `tollgate batch submit`. OpenAI lines: `{custom_id, method, url, body}`; Anthropic lines:
 * `{custom_id, params}`. Streaming flags are dropped (a batch never streams) and `model: "auto"`
 * becomes the model the ledger says answered.
 * The running proxy builds it in the ledger's read worker (over 66,000 captured calls it held the
 * event loop 4–9 s), unless the bodies are encrypted: the key stays in the proxy's thread.
 */
import type { BatchExportQuery } from '../../../contract/batch';
import type { Db } from '../db/open';
import type { Json } from '../providers/types';
import { OPENAI_BATCH_ENDPOINTS, OPENAI_PATHS } from '../providers/protocol';
import type { TextCodec } from '../ledger/ledger';
import { foldedSql, foldTag } from '../ledger/tagFold';
import type { CapturedRequest } from './capture';
import { toJsonl } from './lines';
import { formatLocal } from './period';

/** A batchable OpenAI endpoint's batch line `url`, else undefined. */
const openaiBatchUrl = (endpoint: string): string | undefined => (OPENAI_BATCH_ENDPOINTS as readonly string[]).includes(endpoint) ? OPENAI_PATHS[endpoint as (typeof OPENAI_BATCH_ENDPOINTS)[number]] : undefined;

export interface BatchExport {
  format: 'openai' | 'anthropic';
  /** The batch file: one line per request. */
  jsonl: string;
  lines: number;
  /** Ledger requests of the feature in the period that have no captured body. */
  uncaptured: number;
  /** Captured calls left out (another provider, or an endpoint with no batch API). */
  skipped: number;
}

/** Why there is no file (returned, not thrown: it crosses from the worker thread as it is). */
export interface BatchExportRefusal {
  status: 400 | 404;
  message: string;
}

/** The body as a batch line carries it: no streaming, a concrete model. */
function batchBody(r: CapturedRequest, modelUsed: string): Json {
  const { stream: _stream, stream_options: _options, ...body } = r.body;
  // routing/route.ts isAutoModel, not imported: it would bring the router into the read worker's bundle.
  if (typeof body.model === 'string' && body.model.trim().toLowerCase() === 'auto' && modelUsed) body.model = modelUsed;
  return body;
}

/** `codec`: TOLLGATE_CACHE_KEY's, when bodies are stored encrypted (capture.ts). */
export function buildBatchExport(db: Db, q: BatchExportQuery, codec?: TextCodec): BatchExport | BatchExportRefusal {
  const until = q.until ?? Date.now() + 1;
  const period = `between ${formatLocal(q.since)} and ${formatLocal(until)}`;
  const captured = capturedRows(db, q.feature, q.since, until, codec);
  // Requests, not attempts: a retried call is one request (its last row is the one captured).
  const inLedger = (
    db
      .prepare(`SELECT COUNT(DISTINCT request_id) AS n FROM calls WHERE ${foldedSql('feature')} = ? AND ts >= ? AND ts < ? AND endpoint NOT LIKE 'batch:%'`)
      .get(foldTag(q.feature), q.since, until) as { n: number }
  ).n;
  const uncaptured = Math.max(0, inLedger - captured.length);
  if (captured.length === 0) {
    const seen = inLedger > 0 ? ` (the ledger has ${inLedger} of its calls in that period, recorded without their bodies)` : '';
    const hint = `enable batch.capture in .tollgate/policy.yaml (batch: { capture: { features: [${JSON.stringify(q.feature)}] } }) and the calls made from then on can be re-run as a batch`;
    return { status: 404, message: `no captured bodies for feature ${q.feature} ${period}${seen}; ${hint}` };
  }
  const chosen = q.provider ? captured.filter((r) => r.provider === q.provider) : captured;
  if (chosen.length === 0) {
    const providers = [...new Set(captured.map((r) => r.provider))].join(', ');
    return { status: 404, message: `no captured bodies for feature ${q.feature} ${period} sent to ${q.provider}; its captured calls went to ${providers}` };
  }
  const protocols = countBy(chosen, (r) => r.protocol);
  if (protocols.size > 1) {
    return { status: 400, message: `the calls of feature ${q.feature} ${period} went to ${describe(countBy(chosen, (r) => r.provider))}; a batch goes to one provider: pick one with --provider (provider= in the API)` };
  }
  const format = chosen[0]!.protocol;
  const batchable = chosen.filter((r) => (format === 'anthropic' ? r.endpoint === 'messages' : openaiBatchUrl(r.endpoint) !== undefined));
  if (batchable.length === 0) return { status: 400, message: `the captured calls of feature ${q.feature} ${period} use endpoints with no batch API` };
  if (format === 'openai') {
    const endpoints = countBy(batchable, (r) => r.endpoint);
    // One OpenAI batch serves one endpoint.
    if (endpoints.size > 1) return { status: 400, message: `the calls of feature ${q.feature} ${period} used ${describe(endpoints)}; an OpenAI batch serves one endpoint, so narrow the period or tag them as separate features` };
  }
  const lines: Json[] = batchable.map((r) => {
    const customId = `call-${r.callId}`;
    const body = batchBody(r, r.modelUsed);
    return format === 'openai' ? { custom_id: customId, method: 'POST', url: openaiBatchUrl(r.endpoint)!, body } : { custom_id: customId, params: body };
  });
  return { format, jsonl: toJsonl(lines), lines: lines.length, uncaptured, skipped: captured.length - batchable.length };
}

type Captured = CapturedRequest & { modelUsed: string };

/** Captured bodies of one feature (whatever its case: tagFold.ts), oldest first, whose ledger row still exists, with the model that row says answered. */
function capturedRows(db: Db, feature: string, since: number, until: number, codec: TextCodec | undefined): Captured[] {
  const rows = db
    .prepare(
      `SELECT r.call_id, r.ts, r.feature, r.provider, r.protocol, r.endpoint, r.body, c.model_used FROM captured_requests r JOIN calls c ON c.id = r.call_id
        WHERE ${foldedSql('r.feature')} = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.call_id`,
    )
    .all(foldTag(feature), since, until) as Array<{ call_id: number; ts: number; feature: string; provider: string; protocol: 'openai' | 'anthropic'; endpoint: string; body: string; model_used: string }>;
  const out: Captured[] = [];
  for (const r of rows) {
    let body: Json;
    try {
      body = JSON.parse(codec ? codec.decode(r.body) : r.body) as Json;
    } catch {
      continue; // written with another TOLLGATE_CACHE_KEY (or none): cannot be read, so not exported
    }
    out.push({ callId: r.call_id, ts: r.ts, feature: r.feature, provider: r.provider, protocol: r.protocol, endpoint: r.endpoint, body, modelUsed: r.model_used });
  }
  return out;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function describe(m: Map<string, number>): string {
  return [...m].map(([k, n]) => `${k} (${n})`).join(' and ');
}

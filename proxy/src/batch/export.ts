/**
 * A batch input file from the ledger: the captured bodies of one feature's calls in a period,
 * written in the provider's batch line format with `custom_id` = "call-<ledger row id>", ready for
 * `tollgate batch submit`. OpenAI lines: `{custom_id, method, url, body}`; Anthropic lines:
 * `{custom_id, params}`. Streaming flags are dropped (a batch never streams) and `model: "auto"`
 * becomes the model the ledger says answered.
 */
import type { BatchExportQuery } from '../../../contract/batch';
import type { Db } from '../db/open';
import type { Json } from '../providers/types';
import { OPENAI_BATCH_ENDPOINTS, OPENAI_PATHS } from '../providers/protocol';
import type { CaptureStore, CapturedRequest } from './capture';
import { isAutoModel } from '../routing/route';

/** A batchable OpenAI endpoint's batch line `url`, else undefined. */
const openaiBatchUrl = (endpoint: string): string | undefined => (OPENAI_BATCH_ENDPOINTS as readonly string[]).includes(endpoint) ? OPENAI_PATHS[endpoint as (typeof OPENAI_BATCH_ENDPOINTS)[number]] : undefined;

export interface BatchExport {
  format: 'openai' | 'anthropic';
  lines: Json[];
  /** Ledger requests of the feature in the period that have no captured body. */
  uncaptured: number;
  /** Captured calls left out (another provider, or an endpoint with no batch API). */
  skipped: number;
}

export class BatchExportError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local date and time, minutes precision ("2026-11-29 00:00"). */
export function formatLocal(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The body as a batch line carries it: no streaming, a concrete model. */
function batchBody(r: CapturedRequest, modelUsed: string): Json {
  const { stream: _stream, stream_options: _options, ...body } = r.body;
  if (typeof body.model === 'string' && isAutoModel(body.model) && modelUsed) body.model = modelUsed;
  return body;
}

export function buildBatchExport(db: Db, store: CaptureStore, q: BatchExportQuery): BatchExport {
  const until = q.until ?? Date.now() + 1;
  const period = `between ${formatLocal(q.since)} and ${formatLocal(until)}`;
  const captured = store.rows(q.feature, q.since, until);
  // Requests, not attempts: a retried call is one request (its last row is the one captured).
  const inLedger = (
    db
      .prepare(`SELECT COUNT(DISTINCT request_id) AS n FROM calls WHERE feature = ? AND ts >= ? AND ts < ? AND endpoint NOT LIKE 'batch:%'`)
      .get(q.feature, q.since, until) as { n: number }
  ).n;
  const uncaptured = Math.max(0, inLedger - captured.length);
  if (captured.length === 0) {
    const seen = inLedger > 0 ? ` (the ledger has ${inLedger} of its calls in that period, recorded without their bodies)` : '';
    throw new BatchExportError(
      404,
      `no captured bodies for feature ${q.feature} ${period}${seen}; enable batch.capture in .tollgate/policy.yaml (batch: { capture: { features: [${JSON.stringify(q.feature)}] } }) and the calls made from then on can be re-run as a batch`,
    );
  }
  const chosen = q.provider ? captured.filter((r) => r.provider === q.provider) : captured;
  if (chosen.length === 0) {
    const providers = [...new Set(captured.map((r) => r.provider))].join(', ');
    throw new BatchExportError(404, `no captured bodies for feature ${q.feature} ${period} sent to ${q.provider}; its captured calls went to ${providers}`);
  }
  const protocols = countBy(chosen, (r) => r.protocol);
  if (protocols.size > 1) {
    throw new BatchExportError(400, `the calls of feature ${q.feature} ${period} went to ${describe(countBy(chosen, (r) => r.provider))}; a batch goes to one provider: pick one with --provider (provider= in the API)`);
  }
  const format = chosen[0]!.protocol;
  const batchable = chosen.filter((r) => (format === 'anthropic' ? r.endpoint === 'messages' : openaiBatchUrl(r.endpoint) !== undefined));
  if (batchable.length === 0) throw new BatchExportError(400, `the captured calls of feature ${q.feature} ${period} use endpoints with no batch API`);
  if (format === 'openai') {
    const endpoints = countBy(batchable, (r) => r.endpoint);
    // One OpenAI batch serves one endpoint.
    if (endpoints.size > 1) throw new BatchExportError(400, `the calls of feature ${q.feature} ${period} used ${describe(endpoints)}; an OpenAI batch serves one endpoint, so narrow the period or tag them as separate features`);
  }
  const models = modelsUsed(db, batchable.map((r) => r.callId));
  const lines: Json[] = batchable.map((r) => {
    const customId = `call-${r.callId}`;
    const body = batchBody(r, models.get(r.callId) ?? '');
    return format === 'openai' ? { custom_id: customId, method: 'POST', url: openaiBatchUrl(r.endpoint)!, body } : { custom_id: customId, params: body };
  });
  return { format, lines, uncaptured, skipped: captured.length - batchable.length };
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function describe(m: Map<string, number>): string {
  return [...m].map(([k, n]) => `${k} (${n})`).join(' and ');
}

function modelsUsed(db: Db, ids: readonly number[]): Map<number, string> {
  const stmt = db.prepare('SELECT model_used FROM calls WHERE id = ?');
  const out = new Map<number, string>();
  for (const id of ids) {
    const r = stmt.get(id) as { model_used: string } | undefined;
    if (r) out.set(id, r.model_used);
  }
  return out;
}

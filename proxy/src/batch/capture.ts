/**
 * Opt-in request capture (`batch.capture` in the policy): the body of each call whose feature tag
 * matches (in any case: tagFold.ts) is kept locally, linked to the call's ledger row, so the ledger can later
 * become a batch file ("re-run yesterday's eval calls at half price", export.ts). Only the JSON
 * body is kept — never headers, so never a key — and only for endpoints a batch API accepts.
 *
 * The hot path stays as it was for everything else: a call whose feature is not captured costs
 * one array-length check (or a glob test per captured pattern) and nothing is written.
 */
import type { Db } from '../db/open';
import { heldCalls, type Ledger, type TextCodec } from '../ledger/ledger';
import type { CallRecord } from '../ledger/types';
import { foldTag } from '../ledger/tagFold';
import type { Stage } from '../pipeline/context';
import type { Json } from '../providers/types';
import { globMatch } from '../routing/glob';

/** Endpoints a batch API accepts (OpenAI's batch URLs, Anthropic's Message Batches). */
export const CAPTURABLE_ENDPOINTS: ReadonlySet<string> = new Set(['chat.completions', 'responses', 'completions', 'embeddings', 'messages']);

/** Top-level body fields that could carry a credential in some client; never kept. */
const SECRET_FIELDS = /^(api[_-]?key|authorization|x[_-]api[_-]key|secret|password|token)$/i;

const DAY_MS = 86_400_000;
/** Retention also runs after this many captured calls, so a busy feature cannot outgrow it for long. */
const PRUNE_EVERY = 200;

export function migrateCapture(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS captured_requests (
      call_id INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      feature TEXT NOT NULL,
      provider TEXT NOT NULL,
      protocol TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      body TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS captured_feature_ts ON captured_requests(feature, ts);
    -- The retention's age cut (prune): without it every prune read every body (40 ms at 120,000).
    CREATE INDEX IF NOT EXISTS captured_ts ON captured_requests(ts);
  `);
}

export interface CapturedRequest {
  /** The ledger row (calls.id) of the request's last attempt. */
  callId: number;
  ts: number;
  feature: string;
  provider: string;
  protocol: 'openai' | 'anthropic';
  endpoint: string;
  body: Json;
}

export class CaptureStore {
  private sincePrune = 0;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly codec?: TextCodec,
  ) {
    migrateCapture(db);
    this.insert = db.prepare('INSERT OR REPLACE INTO captured_requests (call_id, ts, feature, provider, protocol, endpoint, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  save(r: Omit<CapturedRequest, 'body'> & { bodyText: string }, retentionDays: number): void {
    this.insert.run(r.callId, r.ts, r.feature, r.provider, r.protocol, r.endpoint, this.codec ? this.codec.encode(r.bodyText) : r.bodyText);
    if (++this.sincePrune >= PRUNE_EVERY) this.prune(retentionDays);
  }

  /**
   * Deletes bodies past their retention, and bodies whose ledger row is gone (ledger retention
   * deletes the oldest rows first, so everything below the oldest remaining id has lost its row).
   */
  prune(retentionDays: number, now = Date.now()): number {
    this.sincePrune = 0;
    const byAge = this.db.prepare('DELETE FROM captured_requests WHERE ts < ?').run(now - retentionDays * DAY_MS).changes;
    const orphans = this.db.prepare('DELETE FROM captured_requests WHERE call_id < COALESCE((SELECT MIN(id) FROM calls), 9223372036854775807)').run().changes;
    return byAge + orphans;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM captured_requests').get() as { n: number }).n;
  }
}

/** Bodies whose ledger row is held in memory, kept when the ledger announces the row written (weak: a row lost at close drops its body). */
const waiting = new WeakMap<CallRecord, (callId: number, provider: string) => void>();
const listening = new WeakSet<Ledger>();

/** One store per database (the stage has only the services, and a proxy has one database). */
const stores = new WeakMap<Db, CaptureStore>();

export function captureStore(db: Db, codec?: TextCodec): CaptureStore {
  const known = stores.get(db);
  if (known) return known;
  const s = new CaptureStore(db, codec);
  stores.set(db, s);
  return s;
}

/** The body as kept: the client's JSON, minus any top-level field that looks like a credential. */
export function bodyToKeep(body: Json): string {
  const kept: Json = {};
  for (const [k, v] of Object.entries(body)) if (!SECRET_FIELDS.test(k)) kept[k] = v;
  return JSON.stringify(kept);
}

/**
 * Pipeline stage (after identify: it needs the feature tag; before routing: it keeps the body the
 * client sent). The body is written after the call ends, linked to its last ledger row.
 */
export const captureStage: Stage = async (ctx, next) => {
  const capture = ctx.services.policy.policy.batch.capture;
  if (capture.features.length === 0) return next();
  const feature = ctx.tags.feature;
  if (!feature || !CAPTURABLE_ENDPOINTS.has(ctx.endpoint.id) || !capture.features.some((g) => globMatch(foldTag(g), foldTag(feature)))) return next();
  const raw: unknown = ctx.req.body;
  if (!Buffer.isBuffer(raw) || raw.length > capture.maxBytes) return next();
  const bodyText = bodyToKeep(ctx.body);
  try {
    await next();
  } finally {
    const { db, ledger, textCodec, log } = ctx.services;
    // Not `ctx`: a held row's body waits with `keep`, and the call's context (request buffer, parsed body, answer) was several times its size.
    const { ts, requestId, provider: chosen, endpoint } = ctx;
    const protocol = chosen?.kind;
    const keep = (callId: number, provider: string): void => {
      if (!protocol) return;
      try {
        captureStore(db, textCodec).save({ callId, ts, feature, provider, protocol, endpoint: endpoint.id, bodyText }, capture.retentionDays);
      } catch (err) {
        // The caller has its answer already; a failed capture must not turn into a failed call.
        log.warn(`batch.capture: could not keep the body of call ${callId}: ${(err as Error).message}`);
      }
    };
    // The record stage (outermost) has written or held every attempt's row by now, each at the call's
    // ts; keep the last one. A held row (database locked, disk full) has no id until it is written.
    const held = heldCalls(db).findLast((r) => r.ts === ts && r.requestId === requestId);
    if (held) {
      waiting.set(held, keep);
      if (!listening.has(ledger)) {
        listening.add(ledger);
        ledger.on('call', (rec) => {
          waiting.get(rec)?.(rec.id, rec.provider);
          waiting.delete(rec);
        });
      }
    } else {
      const row = db.prepare('SELECT id, provider FROM calls WHERE ts = ? AND request_id = ? ORDER BY id DESC LIMIT 1').get(ts, requestId) as { id: number; provider: string } | undefined;
      if (row) keep(row.id, row.provider);
    }
  }
};

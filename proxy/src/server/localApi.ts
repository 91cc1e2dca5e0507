/**
 * Tollgate's own API under /tollgate/ (never colliding with provider routes): paged calls,
 * summaries, a live SSE stream of calls and budget events, and admin actions behind a token.
 */
import type { ParsedUrlQuery } from 'node:querystring';
import { Router, rawBody } from '../http/http';
import { MAX_UTC_OFFSET_MS, SUMMARY_DIMENSIONS, type ApiError, type BudgetStatus, type CacheClearResult, type CacheStatus, type CallDetail, type CallFilter, type CallPage, type CallRecord, type Summary, type SummaryDimension } from '../../../contract/api';
import { liveEventFrame, type LiveEventName, type LiveEvents } from '../../../contract/events';
import { timeZoneProblem } from '../ledger/ledgerReads';
import type { ProxyServices } from '../pipeline/services';
import { adminGuard } from './guards';
import { semanticCacheApi } from './semanticCacheApi';
import { routerApi } from './routerApi';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;
}

function int(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return undefined;
  return Number(v);
}

function signedInt(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^-?\d{1,16}$/.test(v)) return undefined;
  return Number(v);
}

const CLEAR_USAGE = 'send {"namespace": "<namespace>"} as JSON to clear one namespace, or {} (or no body) to clear every one';

/**
 * What a cache-clear body asks for. Only an empty body or `{}` means "everything": before, any body
 * it could not read (curl's default form encoding, `"namespace": 42` or `""`, a misspelt field) also
 * came out as "no namespace" and wiped the whole cache. The body is read as JSON whatever its
 * Content-Type says (the route is the token holder's, never a page's): `fetch` sends a string as text/plain.
 */
function clearSelection(body: Buffer | undefined): { namespace?: string } | { error: string } {
  const text = body?.toString('utf8').replace(/^\uFEFF/, '').trim() ?? '';
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `The body is not JSON; ${CLEAR_USAGE}. Nothing was removed.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: `The body must be a JSON object; ${CLEAR_USAGE}. Nothing was removed.` };
  const unknown = Object.keys(parsed).filter((k) => k !== 'namespace');
  if (unknown.length > 0) return { error: `Unknown field ${JSON.stringify(unknown[0]!.slice(0, 50))}; ${CLEAR_USAGE}. Nothing was removed.` };
  if (!('namespace' in parsed)) return {};
  const namespace = str((parsed as { namespace: unknown }).namespace);
  if (namespace === undefined) return { error: `"namespace" must be a string of 1 to 200 characters; ${CLEAR_USAGE}. Nothing was removed.` };
  return { namespace };
}

const CACHE_STATUSES: ReadonlySet<string> = new Set<CacheStatus>(['miss', 'exact', 'semantic', 'bypass']);

function filterFrom(q: ParsedUrlQuery): CallFilter {
  const status = str(q.status);
  return {
    ...(str(q.team) ? { team: str(q.team) } : {}),
    ...(str(q.feature) ? { feature: str(q.feature) } : {}),
    ...(str(q.user) ? { user: str(q.user) } : {}),
    ...(str(q.model) ? { model: str(q.model) } : {}),
    ...(CACHE_STATUSES.has(str(q.cache) ?? '') ? { cache: str(q.cache) as CacheStatus } : {}),
    ...(status === 'ok' || status === 'error' ? { status } : {}),
    ...(int(q.from) !== undefined ? { from: int(q.from) } : {}),
    ...(int(q.to) !== undefined ? { to: int(q.to) } : {}),
  };
}

export interface LocalApiExtras {
  adminToken: string;
  /** Extra health facts (embedder state, policy problems…). */
  health: () => Record<string, unknown>;
  /** Clears cache entries (exact and semantic); returns the count removed. */
  /** Removes a namespace's cached answers (or all), in batches; resolves to how many. */
  clearCache: (namespace?: string) => Promise<number>;
  /** Evicts one cache entry (a bad semantic hit). */
  /** Evicts a cache entry; `report` (default true): its latest semantic hit counts as a false hit. */
  evictEntry: (id: number, opts?: { report?: boolean }) => boolean;
  budgets: () => BudgetStatus[];
  /** Subscribe to budget/policy events for the live stream; returns an unsubscribe function. */
  onEvent: (listener: <K extends LiveEventName>(event: K, data: LiveEvents[K]) => void) => () => void;
  /**
   * Why the proxy no longer writes to its database (a newer Tollgate migrated it, or it was removed
   * or replaced: db/formatWatch.ts) as an error type and message, or undefined while it does.
   */
  writesRefused?: () => { type: string; message: string } | undefined;
}

export function localApi(services: ProxyServices, extras: LocalApiExtras): Router {
  const r = new Router();
  const admin = adminGuard(extras.adminToken);

  // Every write of this API (cache clear and evict, feedback…) once the proxy stopped writing to its
  // file (newer format, file replaced): the connection is read-only then, and each failed with
  // SQLite's raw error as a 500. Reads still work (the dashboard shows the ledger as it was).
  r.use((req, res, next) => {
    const why = req.method === 'GET' || req.method === 'HEAD' ? undefined : extras.writesRefused?.();
    if (why === undefined) return next();
    res.status(503).json({ error: why } satisfies ApiError);
  });

  r.mount('/router', routerApi(services, admin));

  r.get('/calls', async (req, res) => {
    const limit = int(req.query.limit) ?? 100;
    const before = int(req.query.before);
    res.json((await services.ledger.pageOffThread(filterFrom(req.query), limit, before)) satisfies CallPage);
  });

  r.get('/calls/:id', (req, res) => {
    const id = int(req.params.id);
    const call = id !== undefined ? services.ledger.get(id) : undefined;
    if (!call) {
      res.status(404).json({ error: { type: 'not_found_error', message: `no call with id ${req.params.id}` } } satisfies ApiError);
      return;
    }
    let sourcePrompt: string | undefined;
    if (call.cache === 'semantic' && call.sourceEntryId !== undefined) {
      sourcePrompt = services.exactCache.getById(call.sourceEntryId)?.prompt ?? undefined;
    }
    res.json({ ...call, ...(sourcePrompt !== undefined ? { sourcePrompt } : {}) } satisfies CallDetail);
  });

  r.get('/summary', async (req, res) => {
    const by = str(req.query.by);
    if (by !== undefined && !(SUMMARY_DIMENSIONS as readonly string[]).includes(by)) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: `by must be one of ${SUMMARY_DIMENSIONS.join(', ')}` } } satisfies ApiError);
      return;
    }
    const from = int(req.query.from);
    const to = int(req.query.to);
    const bucketMs = int(req.query.bucketMs);
    const offset = signedInt(req.query.bucketOffsetMs);
    const tz = str(req.query.tz);
    const bad = offset !== undefined && Math.abs(offset) > MAX_UTC_OFFSET_MS ? `bucketOffsetMs must be a UTC offset in ms, at most ±${MAX_UTC_OFFSET_MS}` : tz === undefined ? undefined : timeZoneProblem(tz);
    if (bad) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: bad } } satisfies ApiError);
      return;
    }
    res.json(
      (await services.ledger.summaryOffThread({
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(by ? { by: by as SummaryDimension } : {}),
        ...(bucketMs !== undefined ? { bucketMs } : {}),
        ...(offset ? { bucketOffsetMs: offset } : {}),
        ...(tz !== undefined ? { tz } : {}),
        filter: filterFrom({ ...req.query, from: undefined, to: undefined }),
      })) satisfies Summary,
    );
  });

  r.get('/budgets', (_req, res) => {
    res.json(extras.budgets() satisfies BudgetStatus[]);
  });

  r.get('/events', (req, res) => {
    // flushHeaders, not writeHead: for a HEAD the headers are the whole answer (http.ts Res), sent
    // with Connection: close, and the stream is not kept open for nobody.
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    res.write(': tollgate live events\n\n');
    const send = <K extends LiveEventName>(event: K, data: LiveEvents[K]) => {
      if (!res.writableEnded) res.write(liveEventFrame(event, data));
    };
    const onCall = (c: CallRecord) => send('call', c);
    services.ledger.on('call', onCall);
    const off = extras.onEvent(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    req.on('close', () => {
      clearInterval(keepAlive);
      services.ledger.off('call', onCall);
      off();
    });
  });

  r.post('/cache/clear', admin, rawBody(() => 16 * 1024), async (req, res) => {
    const asked = clearSelection(Buffer.isBuffer(req.body) ? req.body : undefined);
    if ('error' in asked) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: asked.error } } satisfies ApiError);
      return;
    }
    res.json({ removed: await extras.clearCache(asked.namespace) } satisfies CacheClearResult);
  });

  r.delete('/cache/entries/:id', admin, (req, res) => {
    const id = int(req.params.id);
    if (id === undefined) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: 'a cache entry id is a positive integer (sourceEntryId of a call)' } });
      return;
    }
    const ok = extras.evictEntry(id);
    res.status(ok ? 200 : 404).json(ok ? { evicted: id } : { error: { type: 'not_found_error', message: `no cache entry ${id}` } });
  });

  r.mount('/cache', semanticCacheApi(services, extras));
  return r;
}

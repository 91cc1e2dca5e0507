/**
 * The batch endpoints, relayed to the provider with accounting on the way (see service.ts):
 *   OpenAI     POST/GET /v1/files, GET/DELETE /v1/files/:id, GET /v1/files/:id/content,
 *              POST/GET /v1/batches, GET /v1/batches/:id, POST /v1/batches/:id/cancel,
 *              /v1/uploads/** and /v1/vector_stores/** (relayed as they are)
 *   Anthropic  POST/GET /v1/messages/batches, GET/DELETE /v1/messages/batches/:id,
 *              POST /v1/messages/batches/:id/cancel, GET /v1/messages/batches/:id/results
 * Lines the exact cache already answers are not sent; a batch the cache answers whole never
 * reaches the provider (Tollgate then serves the batch and its results itself).
 */
import { randomUUID } from 'node:crypto';
import { Router, rawBody, type Next, type Req, type Res } from '../http/http';
import { FormData } from 'undici';
import type { Governor } from '../governance/governor';
import { singleValuedHeaders } from '../pipeline/identity';
import type { ProxyServices } from '../pipeline/services';
import { obj, providerError, usageOf, type Json, type Protocol } from '../providers';
import { BatchLineError, openaiEndpointForUrl, readAnthropicRequests, readAnthropicResults, readOpenAIRequests, readOpenAIResults, toJsonl, type BatchRequestLine, type BatchResultLine } from './lines';
import { BatchService, type AdmitOutcome, type BatchIdentity } from './service';
import { BatchStore, type BatchRow, type LocalFile } from './store';
import { answerObject, callUpstream, upstreamPath, type UpstreamAnswer } from './upstream';
import { ANTHROPIC_PATHS, OPENAI_PATHS } from '../providers/protocol';
import { adminGuard } from '../server/guards';
import { batchDiscount } from './discounts';
import { batchUpstreamOf } from './rates';
import { BATCH_EXPORT_HEADERS, type BatchList, type BatchOpportunities, type BatchRecord } from '../../../contract/batch';
import { captureStore } from './capture';

/** Batch input files may be large (OpenAI accepts up to 200 MB). */
const MAX_BATCH_BYTES = 210 * 1024 * 1024;
const LOCAL_PREFIX = 'tollgate_';

const OPENAI_TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);
/** GET /v1/files: OpenAI's default and largest `limit`. */
const OPENAI_FILES_LIMIT = 10_000;

/**
 * `writesRefused`: why the proxy no longer writes to its database (a newer Tollgate migrated it, or
 * it was removed or replaced: db/formatWatch.ts), or undefined while it does.
 * `track`: hands each request's work to the proxy's stop, which lets it finish before connections
 * are cut and the database closes (server/start.ts). Untracked, a stop cut a batch create in flight:
 * the SDK saw a connection error, the provider created (and billed) the batch anyway, and no row
 * was left to follow it; the user's rerun paid again.
 */
export function batchRouter(
  services: ProxyServices,
  governor: Governor | undefined,
  adminToken: string,
  writesRefused: () => { type: string; message: string } | undefined,
  track: (work: Promise<void>, lastWord: () => Res | undefined) => void,
): Router {
  const store = new BatchStore(services.db);
  const svc = new BatchService(services, store, governor);
  const router = new Router();
  const raw = rawBody(() => MAX_BATCH_BYTES);
  const wrap = (fn: (req: Req, res: Res) => Promise<void>) => (req: Req, res: Res, next: Next) => {
    track(fn(req, res).catch(next), () => answerStopping(req, res));
  };

  // Refused like the other provider calls once the proxy stopped writing to its file (server/start.ts):
  // they reserve budget and record rows, which the read-only connection failed with SQLite's raw error.
  const refuse = (protocol: Protocol) => (_req: Req, res: Res, next: Next) => {
    const why = writesRefused();
    if (why === undefined) return next();
    res.status(503).setHeader('x-should-retry', 'false').json(providerError(protocol, 503, 'server_error', why.message, why.type));
  };
  for (const path of [OPENAI_PATHS.files, OPENAI_PATHS.batches, OPENAI_PATHS.uploads, OPENAI_PATHS.vector_stores]) router.use(path, refuse('openai'));
  router.use(ANTHROPIC_PATHS.batches, refuse('anthropic'));

  // ---- OpenAI Files --------------------------------------------------------------------------
  router.post(OPENAI_PATHS.files, raw, wrap((req, res) => uploadFile(svc, req, res)));
  router.get(OPENAI_PATHS.files, wrap((req, res) => listFiles(svc, req, res)));
  router.get(`${OPENAI_PATHS.files}/:id`, wrap(async (req, res) => {
    const id = String(req.params.id);
    if (!isLocalFile(id)) return passThrough(svc, req, res, 'openai');
    const local = ownLocalFile(svc, req, res, id);
    if (local) res.json(fileObject(local));
  }));
  router.delete(`${OPENAI_PATHS.files}/:id`, wrap((req, res) => deleteFile(svc, req, res)));
  router.get(`${OPENAI_PATHS.files}/:id/content`, wrap((req, res) => fileContent(svc, req, res)));

  // ---- OpenAI Batches ------------------------------------------------------------------------
  router.post(OPENAI_PATHS.batches, raw, wrap((req, res) => createOpenAIBatch(svc, req, res)));
  router.get(OPENAI_PATHS.batches, wrap((req, res) => listBatches(svc, req, res, 'openai', (known, b) => (known ? noteOpenAIBatch(svc, known, b) : b))));
  router.get(`${OPENAI_PATHS.batches}/:id`, wrap((req, res) => retrieveOpenAIBatch(svc, req, res)));
  router.post(`${OPENAI_PATHS.batches}/:id/cancel`, raw, wrap(async (req, res) => {
    const b = store.batch(String(req.params.id));
    if (b?.local && submittedBy(svc, req, b)) return void res.json(openaiLocalBatch(b));
    await passThrough(svc, req, res, 'openai');
  }));

  // ---- OpenAI Uploads and Vector Stores --------------------------------------------------------
  // State the provider keeps that an app reaches through the same base URL (a file too large for
  // one request goes up in parts; vector stores hold the files `file_search` reads): relayed with the
  // caller's key, the body and its content type as they came (an upload part is multipart).
  // Only the methods these APIs use: any other (TRACE, PUT, PATCH, OPTIONS) went upstream as itself
  // with the caller's key; it now gets the app's "does not serve" 404.
  for (const prefix of [OPENAI_PATHS.uploads, OPENAI_PATHS.vector_stores]) {
    for (const method of ['GET', 'POST', 'DELETE'] as const) router.under(method, prefix, raw, wrap((req, res) => passThrough(svc, req, res, 'openai')));
  }

  // ---- Anthropic Message Batches --------------------------------------------------------------
  router.post(ANTHROPIC_PATHS.batches, raw, wrap((req, res) => createAnthropicBatch(svc, req, res)));
  router.get(ANTHROPIC_PATHS.batches, wrap((req, res) => listBatches(svc, req, res, 'anthropic', (known, b) => noteAnthropicBatch(svc, req, known, b))));
  router.get(`${ANTHROPIC_PATHS.batches}/:id`, wrap((req, res) => retrieveAnthropicBatch(svc, req, res)));
  router.delete(`${ANTHROPIC_PATHS.batches}/:id`, wrap((req, res) => passThrough(svc, req, res, 'anthropic')));
  router.post(`${ANTHROPIC_PATHS.batches}/:id/cancel`, raw, wrap(async (req, res) => {
    const b = store.batch(String(req.params.id));
    if (b?.local && submittedBy(svc, req, b)) return void res.json(anthropicLocalBatch(b, req));
    await passThrough(svc, req, res, 'anthropic');
  }));
  router.get(`${ANTHROPIC_PATHS.batches}/:id/results`, wrap((req, res) => anthropicResults(svc, req, res)));

  // Tollgate's own view: the batches it relayed, and what could move to batch or flex (admin token: they describe the owner's traffic).
  const admin = adminGuard(adminToken);
  router.get('/tollgate/batch/opportunities', admin, wrap(async (req, res) => {
    const from = Number(req.query.from);
    const upstreams = Object.fromEntries([...services.providers().keys()].map((name) => [name, upstreamOf(services, name)]));
    // Read in the ledger's worker: a scan of the range's calls on this thread held every proxied call.
    res.json((await services.ledger.opportunitiesOffThread({ from: Number.isFinite(from) ? from : Date.now() - 7 * 86_400_000, upstreams })) satisfies BatchOpportunities);
  }));
  // A batch file from captured request bodies (batch.capture in the policy): GET /tollgate/batch/export?feature=&since=&until=&provider=
  const captured = captureStore(services.db, services.textCodec);
  captured.prune(services.policy.policy.batch.capture.retentionDays);
  router.get('/tollgate/batch/export', admin, wrap(async (req, res) => {
    const feature = typeof req.query.feature === 'string' ? req.query.feature : '';
    const since = Number(req.query.since);
    const until = req.query.until === undefined ? undefined : Number(req.query.until);
    const provider = typeof req.query.provider === 'string' && req.query.provider ? req.query.provider : undefined;
    if (!feature || !Number.isFinite(since) || (until !== undefined && !Number.isFinite(until))) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: 'feature and since (epoch ms) are required; until (epoch ms) and provider are optional' } });
      return;
    }
    // A file the proxy no longer writes to still exports; pruning it is for whoever writes it now.
    if (writesRefused() === undefined) captured.prune(services.policy.policy.batch.capture.retentionDays);
    // Read in the ledger's worker, as the opportunities above.
    const out = await services.ledger.batchExportOffThread({ feature, since, ...(until !== undefined ? { until } : {}), ...(provider ? { provider } : {}) });
    if ('status' in out) {
      res.status(out.status).json({ error: { type: out.status === 404 ? 'not_found_error' : 'invalid_request_error', message: out.message } });
      return;
    }
    res
      .set({
        'content-type': 'application/jsonl; charset=utf-8',
        [BATCH_EXPORT_HEADERS.lines]: String(out.lines),
        [BATCH_EXPORT_HEADERS.format]: out.format,
        [BATCH_EXPORT_HEADERS.uncaptured]: String(out.uncaptured),
        [BATCH_EXPORT_HEADERS.skipped]: String(out.skipped),
      })
      .send(out.jsonl);
  }));
  router.get('/tollgate/batches', admin, (_req, res) => {
    res.json({ batches: store.list(100).map((b) => batchRecord(b, store.totals(b.id), upstreamOf(services, b.provider))) } satisfies BatchList);
  });
  return router;
}

// ---------------------------------------------------------------------------------------------

/** A new submission's row (its id is set once the provider, or Tollgate for a cached batch, names it). */
function submission(
  id: BatchIdentity,
  protocol: Protocol,
  admitted: { worstCaseUsd: number; reservationId?: string },
  f: Pick<BatchRow, 'namespace' | 'inputId' | 'status' | 'requestCount' | 'cachedCount' | 'local'>,
): BatchRow {
  return {
    id: '',
    provider: id.provider.name,
    protocol,
    keyFingerprint: id.keyFingerprint,
    tags: id.tags,
    outputFileId: null,
    errorFileId: null,
    worstCaseUsd: admitted.worstCaseUsd,
    reservationId: admitted.reservationId ?? null,
    createdAt: Date.now(),
    settledAt: null,
    ...f,
  };
}

/**
 * Whether the caller's key submitted this batch. One the cache answered whole exists only here:
 * for another key it goes to the provider, which answers for a batch it does not have (404), as it
 * would for another key's batch; its cached answers were anyone's who had its id.
 */
function submittedBy(svc: BatchService, req: Req, b: BatchRow): boolean {
  const id = svc.identify(req.headers, b.protocol);
  return !('error' in id) && id.keyFingerprint === b.keyFingerprint;
}

/**
 * A batch request the provider had not answered when the proxy's stop stopped waiting for it
 * (server/start.ts): a provider-shaped 503, not a cut connection (the SDK's bare "Connection
 * error"). A create may exist at the provider, and be billed: the SDK is told not to send it again
 * blind, and the user to list the batches first. The create itself runs on, so a batch the
 * provider answers before the proxy closes its file is still recorded.
 */
function answerStopping(req: Req, res: Res): Res | undefined {
  if (res.headersSent) return undefined;
  const protocol: Protocol = req.path.startsWith(ANTHROPIC_PATHS.batches) ? 'anthropic' : 'openai';
  const create = req.method === 'POST' && (req.path === OPENAI_PATHS.batches || req.path === ANTHROPIC_PATHS.batches);
  const list = protocol === 'anthropic' ? `GET ${ANTHROPIC_PATHS.batches}` : `GET ${OPENAI_PATHS.batches}`;
  const message = create
    ? `Tollgate is stopping and the provider had not answered this batch create yet: it may have created the batch (and will bill it). List your batches (${list}) before creating it again.`
    : 'Tollgate is stopping and the provider had not answered this request yet; send it again once Tollgate runs.';
  fail(res, protocol, 503, 'server_error', message, create ? { 'x-should-retry': 'false' } : {});
  return res;
}

function fail(res: Res, protocol: Protocol, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.status(status).set(headers).json(providerError(protocol, status, type, message));
}

/** The x-tollgate-batch-* headers of an admitted batch; a batch over budget is refused here (undefined). */
function admissionHeaders(res: Res, protocol: Protocol, refusal: string, admitted: AdmitOutcome, cached: number, requests: number): Record<string, string> | undefined {
  const headers: Record<string, string> = {
    'x-tollgate-batch-cached': String(cached),
    'x-tollgate-batch-requests': String(requests),
    'x-tollgate-batch-worst-case-usd': admitted.worstCaseUsd.toFixed(6),
  };
  if (!admitted.ok) {
    fail(res, protocol, 429, refusal, admitted.message, { ...headers, ...(admitted.retryAfterSec !== undefined ? { 'retry-after': String(admitted.retryAfterSec) } : {}) });
    return undefined;
  }
  if (admitted.budgetHeader) headers['x-tollgate-budget'] = admitted.budgetHeader;
  return headers;
}

function identityOr400(svc: BatchService, req: Req, res: Res, protocol: Protocol): BatchIdentity | undefined {
  // As on the real-time routes: a credential or version header sent twice is one value or a 400,
  // never the joined "A, B" Node makes of it.
  const repeated = singleValuedHeaders(req.headers, req.rawHeaders);
  const id = repeated ? { error: repeated } : svc.identify(req.headers, protocol);
  if ('error' in id) {
    fail(res, protocol, 400, 'invalid_request_error', id.error);
    return undefined;
  }
  return id;
}

function relay(res: Res, up: UpstreamAnswer, body?: Buffer | string, extra: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(up.headers)) {
    if (/^(content-type|x-request-id|request-id|openai-.*|anthropic-.*|x-ratelimit-.*|retry-after)$/i.test(k)) res.setHeader(k, v);
  }
  res.status(up.status).set(extra).send(body ?? up.body);
}

async function upstream(
  svc: BatchService,
  req: Req,
  res: Res,
  id: BatchIdentity,
  method: 'GET' | 'POST' | 'DELETE',
  v1Path: string,
  body?: Buffer | string | FormData,
  contentType?: string,
  query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : undefined,
): Promise<UpstreamAnswer | undefined> {
  try {
    return await callUpstream(svc.services, {
      provider: id.provider,
      apiKey: id.apiKey,
      method,
      path: upstreamPath(id.provider, v1Path),
      ...(query ? { query } : {}),
      clientHeaders: req.headers,
      ...(body !== undefined ? { body } : {}),
      ...(contentType ? { contentType } : {}),
    });
  } catch (err) {
    const protocol = id.provider.kind;
    fail(res, protocol, 502, 'api_error', `Tollgate could not reach the ${id.provider.name} batch API: ${(err as Error).message}`);
    return undefined;
  }
}

async function passThrough(svc: BatchService, req: Req, res: Res, protocol: Protocol): Promise<void> {
  const id = identityOr400(svc, req, res, protocol);
  if (!id) return;
  const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
  // The browser guard let only JSON, or multipart on an upload route, through: sent as the client typed it.
  const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : 'application/json';
  const up = await upstream(svc, req, res, id, req.method as 'GET' | 'POST' | 'DELETE', req.path, body, body ? contentType : undefined);
  if (up) relay(res, up);
}

function parseJsonBody(req: Req, res: Res, protocol: Protocol): Json | undefined {
  try {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const parsed = obj(JSON.parse(text || '{}'));
    if (parsed) return parsed;
  } catch {
    // fall through
  }
  fail(res, protocol, 400, 'invalid_request_error', 'Tollgate could not parse the JSON body of this batch request.');
  return undefined;
}

// ---- OpenAI ----------------------------------------------------------------------------------

async function uploadFile(svc: BatchService, req: Req, res: Res): Promise<void> {
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return;
  const contentType = String(req.headers['content-type'] ?? '');
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let form: globalThis.FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return fail(res, 'openai', 400, 'invalid_request_error', 'Tollgate expected a multipart/form-data upload with `purpose` and `file` fields.');
  }
  const purpose = form.get('purpose');
  const file = form.get('file');
  if (purpose !== 'batch' || typeof file === 'string' || file === null) {
    // Not a batch input: relay the upload as it came.
    const up = await upstream(svc, req, res, id, 'POST', OPENAI_PATHS.files, raw, contentType);
    if (up) relay(res, up);
    return;
  }
  let requests: BatchRequestLine[];
  try {
    requests = readOpenAIRequests(await file.text());
  } catch (err) {
    const msg = err instanceof BatchLineError ? err.message : String(err);
    return fail(res, 'openai', 400, 'invalid_request_error', `Tollgate could not read the batch input file: ${msg}`);
  }
  const prepared = svc.prepare(id, requests);
  const filename = (file as File).name || 'batch.jsonl';
  const cachedHeader = { 'x-tollgate-batch-cached': String(prepared.cached), 'x-tollgate-batch-requests': String(requests.length) };
  if (prepared.toSend.length === 0) {
    // Every line is answered by the cache: nothing goes to the provider.
    const fileId = `file-${LOCAL_PREFIX}${randomUUID().replace(/-/g, '')}`;
    svc.store.saveInput({ id: fileId, provider: id.provider.name, namespace: id.namespace, local: true }, prepared.lines);
    res.set(cachedHeader).json({ id: fileId, object: 'file', bytes: raw.length, created_at: Math.floor(Date.now() / 1000), filename, purpose: 'batch', status: 'processed', status_details: null });
    return;
  }
  const text = prepared.cached === 0 ? await file.text() : toJsonl(prepared.toSend.map((r) => ({ custom_id: r.customId, method: 'POST', url: r.url, body: r.body })));
  const outgoing = new FormData();
  outgoing.set('purpose', 'batch');
  outgoing.set('file', new Blob([text], { type: 'application/jsonl' }), filename);
  const up = await upstream(svc, req, res, id, 'POST', OPENAI_PATHS.files, outgoing);
  if (!up) return;
  if (up.status === 200) {
    const fileObj = answerObject(up);
    if (typeof fileObj?.id === 'string') svc.store.saveInput({ id: fileObj.id, provider: id.provider.name, namespace: id.namespace, local: false }, prepared.lines);
  }
  relay(res, up, undefined, cachedHeader);
}

/** A file id Tollgate gives out itself (an input the cache answered whole, an output file of its own): never the provider's. */
function isLocalFile(fileId: string): boolean {
  return fileId.startsWith(`file-${LOCAL_PREFIX}`) || fileId.startsWith(`file-out-${LOCAL_PREFIX}`);
}

function fileObject(f: LocalFile): Json {
  const input = f.purpose === 'batch';
  return { id: f.id, object: 'file', bytes: 0, created_at: Math.floor(f.createdAt / 1000), filename: input ? 'batch.jsonl' : 'batch_output.jsonl', purpose: f.purpose, status: 'processed', status_details: null };
}

/**
 * A file Tollgate serves itself, when the caller's key owns it; otherwise answered here as OpenAI
 * answers for a file it does not have (or that was deleted): another key's file is not there for
 * this one, and the provider is not asked about an id it never gave.
 */
function ownLocalFile(svc: BatchService, req: Req, res: Res, fileId: string): LocalFile | undefined {
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return undefined;
  const file = svc.store.localFile(fileId, id.namespace, id.keyFingerprint);
  if (!file) fail(res, 'openai', 404, 'invalid_request_error', `No such File object: ${fileId}`);
  return file;
}

/**
 * GET /v1/files: the caller's files Tollgate serves itself come first, then the provider's list;
 * `purpose` filters both, `limit` counts both, and a page that ends on a file of Tollgate's is
 * followed (`after` = its id) by the rest of them and then the provider's first page.
 */
async function listFiles(svc: BatchService, req: Req, res: Res): Promise<void> {
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return;
  const q = req.query;
  const after = typeof q.after === 'string' ? q.after : undefined;
  const limit = q.limit === undefined ? OPENAI_FILES_LIMIT : Number(q.limit);
  // Paging the provider's files (Tollgate's were all on earlier pages), or a limit the provider should refuse itself.
  if ((after !== undefined && !isLocalFile(after)) || !Number.isInteger(limit) || limit < 1 || limit > OPENAI_FILES_LIMIT) return passThrough(svc, req, res, 'openai');
  let local = svc.store.localFiles(id.namespace, id.keyFingerprint).filter((f) => typeof q.purpose !== 'string' || f.purpose === q.purpose);
  if (after !== undefined) local = local.slice(local.findIndex((f) => f.id === after) + 1);
  const page = local.slice(0, limit).map(fileObject);
  const list = (data: Json[], hasMore: boolean): Json => ({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore });
  if (page.length === limit) return void res.json(list(page, true));
  const params = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (k === 'after' || k === 'limit' || typeof v !== 'string' ? [] : [[k, v]])));
  if (q.limit !== undefined) params.set('limit', String(limit - page.length));
  const up = await upstream(svc, req, res, id, 'GET', req.path, undefined, undefined, params.toString());
  if (!up) return;
  const theirs = up.status === 200 ? answerObject(up) : undefined;
  if (!theirs || !Array.isArray(theirs.data)) return relay(res, up);
  relay(res, up, JSON.stringify(list([...page, ...(theirs.data as Json[])], theirs.has_more === true)));
}

/** DELETE /v1/files/:id: a file of Tollgate's own is deleted here, once its cached answers are in the ledger. */
async function deleteFile(svc: BatchService, req: Req, res: Res): Promise<void> {
  const fileId = String(req.params.id);
  if (!isLocalFile(fileId)) return passThrough(svc, req, res, 'openai');
  if (!ownLocalFile(svc, req, res, fileId)) return;
  // Unread, its cached answers were never recorded and the batch's reservation never closed: reading it would have done both.
  const owner = svc.store.batchForFile(fileId);
  if (owner?.kind === 'output') {
    svc.record(owner.batch, [], svc.cachedResults(owner.batch));
    svc.settle(svc.store.batch(owner.batch.id)!);
  }
  svc.store.deleteFile(fileId);
  res.json({ id: fileId, object: 'file', deleted: true });
}

async function createOpenAIBatch(svc: BatchService, req: Req, res: Res): Promise<void> {
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return;
  const body = parseJsonBody(req, res, 'openai');
  if (!body) return;
  const inputId = typeof body.input_file_id === 'string' ? body.input_file_id : '';
  let input = svc.store.input(inputId);
  if (!input) {
    // Uploaded without Tollgate: read it back so budgets still see the batch's worst case.
    const up = await upstream(svc, req, res, id, 'GET', `${OPENAI_PATHS.files}/${encodeURIComponent(inputId)}/content`);
    if (!up) return;
    if (up.status !== 200) return relay(res, up);
    try {
      const requests = readOpenAIRequests(up.text);
      const prepared = svc.prepare({ ...id, useCache: false }, requests);
      svc.store.saveInput({ id: inputId, provider: id.provider.name, namespace: id.namespace, local: false }, prepared.lines);
      input = svc.store.input(inputId);
    } catch (err) {
      return fail(res, 'openai', 400, 'invalid_request_error', `Tollgate could not read the batch input file: ${(err as Error).message}`);
    }
  }
  if (!input) return fail(res, 'openai', 404, 'invalid_request_error', `No such file: ${inputId}`);
  const lines = svc.store.lines(input.id);
  // OpenAI fails every line whose url is not the batch's endpoint: refuse before anything is reserved or sent.
  const wanted = typeof body.endpoint === 'string' ? openaiEndpointForUrl(body.endpoint) : undefined;
  const stray = wanted ? lines.find((l) => l.endpoint !== wanted) : undefined;
  if (stray) {
    const lineUrl = OPENAI_PATHS[stray.endpoint as keyof typeof OPENAI_PATHS] ?? stray.endpoint;
    return fail(res, 'openai', 400, 'invalid_request_error', `Tollgate: the batch's endpoint "${String(body.endpoint)}" does not match its input file ${input.id}, whose lines use "${lineUrl}" (custom_id "${stray.customId}"); every line's url must be the batch's endpoint.`);
  }
  const cached = lines.filter((l) => l.cachedEntryId !== null).length;
  const admitted = svc.admit(id, lines);
  const headers = admissionHeaders(res, 'openai', 'budget_exceeded', admitted, cached, lines.length);
  if (!headers || !admitted.ok) return; // refused: answered by admissionHeaders
  const row = submission(id, 'openai', admitted, {
    namespace: input.namespace,
    inputId: input.id,
    status: 'validating',
    requestCount: lines.length,
    cachedCount: cached,
    local: input.local,
  });
  if (input.local) {
    row.id = `batch_${LOCAL_PREFIX}${randomUUID().replace(/-/g, '')}`;
    row.status = 'completed';
    row.outputFileId = localOutputId(row.id);
    svc.saveBatch(row);
    res.set(headers).json(openaiLocalBatch(row, body));
    return;
  }
  const up = await upstream(svc, req, res, id, 'POST', OPENAI_PATHS.batches, JSON.stringify(body), 'application/json');
  if (!up) return svc.release(admitted.reservationId);
  const batchObj = up.status === 200 ? answerObject(up) : undefined;
  if (!batchObj || typeof batchObj.id !== 'string') {
    svc.release(admitted.reservationId);
    return relay(res, up);
  }
  row.id = batchObj.id;
  row.status = String(batchObj.status ?? 'validating');
  svc.saveBatch(row);
  relay(res, up, undefined, headers);
}

async function retrieveOpenAIBatch(svc: BatchService, req: Req, res: Res): Promise<void> {
  const known = svc.store.batch(String(req.params.id));
  if (known?.local && submittedBy(svc, req, known)) return void res.set('x-tollgate-batch-cached', String(known.cachedCount)).json(openaiLocalBatch(known));
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return;
  const up = await upstream(svc, req, res, id, 'GET', req.path);
  if (!up) return;
  const b = known && up.status === 200 ? answerObject(up) : undefined;
  if (!known || !b) return relay(res, up);
  const seen = noteOpenAIBatch(svc, known, b);
  relay(res, up, seen === b ? undefined : JSON.stringify(seen), { 'x-tollgate-batch-cached': String(known.cachedCount) });
}

/**
 * What the provider says of a batch this proxy relayed (its retrieve answer, or its entry in the
 * batch list, where a script coming back later finds its output file): its status and result
 * files are kept, so reading those files records the results and settles the reservation. Returns
 * the batch object as the client gets it.
 */
function noteOpenAIBatch(svc: BatchService, known: BatchRow, b: Json): Json {
  const status = String(b.status ?? known.status);
  // Every request the provider ran failed (or expired, or was cancelled): it writes no output
  // file, and the lines the cache answered, only ever added to that file, were lost. They get
  // an output file of the proxy's own (served from the cache by fileContent).
  const ownOutput = OPENAI_TERMINAL.has(status) && typeof b.output_file_id !== 'string' && known.cachedCount > 0 ? localOutputId(known.id) : undefined;
  const seen = { status, outputFileId: typeof b.output_file_id === 'string' ? b.output_file_id : (ownOutput ?? null), errorFileId: typeof b.error_file_id === 'string' ? b.error_file_id : null };
  // Written only when it says something new: a list page names up to 100 batches, and every commit
  // wakes the other proxies sharing the file.
  if (seen.status !== known.status || (seen.outputFileId ?? known.outputFileId) !== known.outputFileId || (seen.errorFileId ?? known.errorFileId) !== known.errorFileId) svc.store.updateFromUpstream(known.id, seen);
  // Ended without any result file: nothing will ever be recorded, so the reservation goes now.
  if (OPENAI_TERMINAL.has(status) && !b.output_file_id && !b.error_file_id) svc.settle(svc.store.batch(known.id)!);
  return ownOutput ? { ...b, output_file_id: ownOutput } : b;
}

/**
 * A page of the provider's batch list, each batch in it seen as a retrieve sees it (`note`). Listed
 * through untouched, a batch's output file read from the list was recorded nowhere, and its worst
 * case stayed reserved for a day and was then charged.
 */
async function listBatches(svc: BatchService, req: Req, res: Res, protocol: Protocol, note: (known: BatchRow | undefined, b: Json) => Json): Promise<void> {
  const id = identityOr400(svc, req, res, protocol);
  if (!id) return;
  const up = await upstream(svc, req, res, id, 'GET', req.path);
  if (!up) return;
  const page = up.status === 200 ? answerObject(up) : undefined;
  if (!page || !Array.isArray(page.data)) return relay(res, up);
  let changed = false;
  const data = page.data.map((item) => {
    const b = obj(item);
    if (!b) return item;
    const known = svc.store.batch(String(b.id));
    const seen = note(known?.local ? undefined : known, b);
    if (seen !== b) changed = true;
    return seen;
  });
  relay(res, up, changed ? JSON.stringify({ ...page, data }) : undefined);
}

/** The output file the proxy serves itself: a batch the cache answered whole, or the cached lines of one with no provider output. */
function localOutputId(batchId: string): string {
  return `file-out-${LOCAL_PREFIX}${batchId}`;
}

async function fileContent(svc: BatchService, req: Req, res: Res): Promise<void> {
  const fileId = String(req.params.id);
  if (isLocalFile(fileId) && !ownLocalFile(svc, req, res, fileId)) return;
  const owner = svc.store.batchForFile(fileId);
  // Only ever named once the batch ended (see retrieveOpenAIBatch): its results are all known.
  if (owner?.kind === 'output' && owner.batch.outputFileId === localOutputId(owner.batch.id)) {
    const cached = svc.cachedResults(owner.batch);
    svc.record(owner.batch, [], cached);
    svc.settle(owner.batch);
    res.type('application/jsonl').send(toJsonl(cached.map(({ line, entry }, i) => openaiResultLine(line.customId, entry.body, i))));
    return;
  }
  const id = identityOr400(svc, req, res, 'openai');
  if (!id) return;
  const up = await upstream(svc, req, res, id, 'GET', req.path);
  if (!up) return;
  if (!owner || up.status !== 200) return relay(res, up);
  const text = up.text;
  const endpoint = svc.store.lines(owner.batch.inputId)[0]?.endpoint ?? 'chat.completions';
  let results: BatchResultLine[];
  try {
    results = readOpenAIResults(text, usageOf, endpoint);
  } catch {
    return relay(res, up);
  }
  if (owner.kind === 'output') {
    const cached = svc.cachedResults(owner.batch);
    svc.record(owner.batch, results, cached);
    const batch = svc.store.batch(owner.batch.id)!;
    if (OPENAI_TERMINAL.has(batch.status)) svc.settle(batch);
    const merged = text.replace(/\n?$/, '\n') + toJsonl(cached.map(({ line, entry }, i) => openaiResultLine(line.customId, entry.body, i)));
    return relay(res, up, merged, { 'x-tollgate-batch-cached': String(cached.length) });
  }
  svc.record(owner.batch, results);
  // Every request failed or expired: OpenAI writes no output file, so this file is the batch's
  // last word (an output file of the proxy's own holds only cached lines, which cost nothing).
  // Left open, its worst case stayed reserved for a day and was then charged as spent.
  const batch = svc.store.batch(owner.batch.id)!;
  if (OPENAI_TERMINAL.has(batch.status) && (!batch.outputFileId || batch.outputFileId === localOutputId(batch.id))) svc.settle(batch);
  relay(res, up);
}

function openaiResultLine(customId: string, body: Json, i: number): Json {
  return { id: `batch_req_${LOCAL_PREFIX}${i}`, custom_id: customId, response: { status_code: 200, request_id: 'tollgate-cache', body }, error: null };
}

function openaiLocalBatch(b: BatchRow, req?: Json): Json {
  const t = Math.floor(b.createdAt / 1000);
  return {
    id: b.id,
    object: 'batch',
    endpoint: typeof req?.endpoint === 'string' ? req.endpoint : OPENAI_PATHS['chat.completions'],
    errors: null,
    input_file_id: b.inputId,
    completion_window: typeof req?.completion_window === 'string' ? req.completion_window : '24h',
    status: 'completed',
    output_file_id: b.outputFileId,
    error_file_id: null,
    created_at: t,
    in_progress_at: t,
    expires_at: t + 86_400,
    finalizing_at: t,
    completed_at: t,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: { total: b.requestCount, completed: b.requestCount, failed: 0 },
    metadata: obj(req?.metadata) ?? null,
  };
}

/** What the configured provider of this name is for its batch discount (rates.ts batchUpstreamOf). */
function upstreamOf(services: ProxyServices, name: string): string | undefined {
  return batchUpstreamOf(services.providers().get(name), name);
}

/** A batch as GET /tollgate/batches shows it: the submission plus what the ledger holds for it. */
function batchRecord(b: BatchRow, t: { results: number; failed: number; costUsd: number; savedUsd: number }, upstream: string | undefined): BatchRecord {
  // Cost and saving are at the batch rate; the real-time figure undoes the provider's discount.
  const factor = batchDiscount(upstream)?.factor ?? 1;
  return {
    id: b.id,
    provider: b.provider,
    status: b.status,
    tags: b.tags,
    requests: b.requestCount,
    cached: b.cachedCount,
    results: t.results,
    failed: t.failed,
    costUsd: t.costUsd,
    savedUsd: t.savedUsd,
    realtimeUsd: (t.costUsd + t.savedUsd) / factor,
    worstCaseUsd: b.worstCaseUsd,
    createdAt: b.createdAt,
    settledAt: b.settledAt,
    answeredByCache: b.local,
  };
}

// ---- Anthropic -------------------------------------------------------------------------------

function proxyResultsUrl(req: Req, batchId: string): string {
  const host = typeof req.headers.host === 'string' ? req.headers.host : '127.0.0.1';
  return `http://${host}${ANTHROPIC_PATHS.batches}/${encodeURIComponent(batchId)}/results`;
}

/** The provider's results_url points at the provider: clients must fetch results through Tollgate. */
function rewriteResultsUrl(req: Req, b: Json): Json {
  if (typeof b.results_url === 'string' && typeof b.id === 'string') return { ...b, results_url: proxyResultsUrl(req, b.id) };
  return b;
}

async function createAnthropicBatch(svc: BatchService, req: Req, res: Res): Promise<void> {
  const id = identityOr400(svc, req, res, 'anthropic');
  if (!id) return;
  const body = parseJsonBody(req, res, 'anthropic');
  if (!body) return;
  let requests: BatchRequestLine[];
  try {
    requests = readAnthropicRequests(body);
  } catch (err) {
    return fail(res, 'anthropic', 400, 'invalid_request_error', `Tollgate could not read the batch requests: ${(err as Error).message}`);
  }
  const prepared = svc.prepare(id, requests);
  const admitted = svc.admit(id, prepared.lines);
  const headers = admissionHeaders(res, 'anthropic', 'rate_limit_error', admitted, prepared.cached, requests.length);
  if (!headers || !admitted.ok) return; // refused: answered by admissionHeaders
  const row = submission(id, 'anthropic', admitted, {
    namespace: id.namespace,
    inputId: '',
    status: 'in_progress',
    requestCount: requests.length,
    cachedCount: prepared.cached,
    local: prepared.toSend.length === 0,
  });
  if (row.local) {
    row.id = `msgbatch_${LOCAL_PREFIX}${randomUUID().replace(/-/g, '')}`;
    row.inputId = row.id;
    row.status = 'ended';
    svc.store.saveInput({ id: row.id, provider: id.provider.name, namespace: id.namespace, local: true }, prepared.lines);
    svc.saveBatch(row);
    res.set(headers).json(anthropicLocalBatch(row, req));
    return;
  }
  const up = await upstream(svc, req, res, id, 'POST', ANTHROPIC_PATHS.batches, JSON.stringify({ ...body, requests: prepared.toSend.map((r) => ({ custom_id: r.customId, params: r.body })) }), 'application/json');
  if (!up) return svc.release(admitted.reservationId);
  const b = up.status === 200 ? answerObject(up) : undefined;
  if (!b || typeof b.id !== 'string') {
    svc.release(admitted.reservationId);
    return relay(res, up);
  }
  row.id = b.id;
  row.inputId = b.id;
  row.status = String(b.processing_status ?? 'in_progress');
  svc.store.saveInput({ id: b.id, provider: id.provider.name, namespace: id.namespace, local: false }, prepared.lines);
  svc.saveBatch(row);
  relay(res, up, JSON.stringify(rewriteResultsUrl(req, b)), headers);
}

async function retrieveAnthropicBatch(svc: BatchService, req: Req, res: Res): Promise<void> {
  const known = svc.store.batch(String(req.params.id));
  if (known?.local && submittedBy(svc, req, known)) return void res.set('x-tollgate-batch-cached', String(known.cachedCount)).json(anthropicLocalBatch(known, req));
  const id = identityOr400(svc, req, res, 'anthropic');
  if (!id) return;
  const up = await upstream(svc, req, res, id, 'GET', req.path);
  if (!up) return;
  if (up.status !== 200) return relay(res, up);
  const b = answerObject(up);
  if (!b) return relay(res, up);
  relay(res, up, JSON.stringify(noteAnthropicBatch(svc, req, known, b)), known ? { 'x-tollgate-batch-cached': String(known.cachedCount) } : {});
}

/** An Anthropic batch as the client gets it: its status kept when this proxy relayed it, its results read through the proxy. */
function noteAnthropicBatch(svc: BatchService, req: Req, known: BatchRow | undefined, b: Json): Json {
  const status = String(b.processing_status ?? known?.status);
  if (known && status !== known.status) svc.store.updateFromUpstream(known.id, { status });
  return rewriteResultsUrl(req, b);
}

async function anthropicResults(svc: BatchService, req: Req, res: Res): Promise<void> {
  const known = svc.store.batch(String(req.params.id));
  if (known?.local && submittedBy(svc, req, known)) {
    const cached = svc.cachedResults(known);
    svc.record(known, [], cached);
    svc.settle(known);
    res.type('application/binary').send(toJsonl(cached.map(({ line, entry }) => ({ custom_id: line.customId, result: { type: 'succeeded', message: entry.body }, tollgate: 'cache' }))));
    return;
  }
  const id = identityOr400(svc, req, res, 'anthropic');
  if (!id) return;
  const up = await upstream(svc, req, res, id, 'GET', req.path);
  if (!up) return;
  if (!known || up.status !== 200) return relay(res, up);
  const text = up.text;
  let results: BatchResultLine[];
  try {
    results = readAnthropicResults(text, usageOf);
  } catch {
    return relay(res, up);
  }
  const cached = svc.cachedResults(known);
  svc.record(known, results, cached);
  svc.settle(svc.store.batch(known.id)!);
  const merged = text.replace(/\n?$/, '\n') + toJsonl(cached.map(({ line, entry }) => ({ custom_id: line.customId, result: { type: 'succeeded', message: entry.body }, tollgate: 'cache' })));
  relay(res, up, merged, { 'x-tollgate-batch-cached': String(cached.length) });
}

function anthropicLocalBatch(b: BatchRow, req: Req): Json {
  const iso = new Date(b.createdAt).toISOString();
  return {
    id: b.id,
    type: 'message_batch',
    processing_status: 'ended',
    request_counts: { processing: 0, succeeded: b.requestCount, errored: 0, canceled: 0, expired: 0 },
    ended_at: iso,
    created_at: iso,
    expires_at: new Date(b.createdAt + 86_400_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: null,
    results_url: proxyResultsUrl(req, b.id),
  };
}

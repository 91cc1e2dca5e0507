/**
 * Starts a proxy: opens the data directory's SQLite file, loads and watches the policy, wires the
 * services and the HTTP server on 127.0.0.1. Used by the CLI, the tests and the benchmarks.
 */
import { clearInBatches, evictCacheEntry } from '../cache/clearInBatches';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { HttpServer, Res } from '../http/http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { ExactCache, type CacheBodyCodec } from '../cache/exactCache';
import { codecFromEnv } from '../cache/encryption';
import { SemanticCache } from '../cache/semanticCache';
import { batchRouter } from '../batch/routes';
import { buildPipeline } from '../pipeline/pipeline';
import { RouterRuntime } from '../routing/runtime';
import { exemplarsPathFor } from '../routing/teamExemplars';
import { Governor } from '../governance/governor';
import { databaseFileError, getMeta, openDatabase, SCHEMA_VERSION, setMeta, type Db } from '../db/open';
import { FormatWatch, type DataFileProblem } from '../db/formatWatch';
import { providerError } from '../providers';
import { Ledger } from '../ledger/ledger';
import { LedgerRetention } from '../ledger/retention';
import { Metrics } from '../metrics/metrics';
import { DEFAULT_POLICY, resolveProviders, type Policy, type ResolvedProvider } from '../policy/schema';
import { formatProblem } from '../policy/load';
import { PolicyStore } from '../policy/store';
import { type Logger, type ProxyServices, stopHooks } from '../pipeline/services';
import { BUILD, VERSION } from '../version';
import { TokenCounter, type TokenCounting } from '../workers/tokenCounter';
import type { LiveEvent } from '../../../contract/events';
import { HTTP_WARM_WAIT_MS, settle, warmHttpClient, warmPrices, warmTokens } from './warmUp';
import { createApp } from './app';
import { DATA_FILE_REPLACED_ERROR, NEWER_DATA_FORMAT_ERROR, type HealthDataFileProblem } from '../../../contract/api';
import { describeFinding } from '../policy/trust';
import { TrustGatedAgent } from './security/trustGate';
import { describeOutboundProxy, outboundProxyFromEnv } from './security/outboundProxy';

export interface StartOptions {
  port?: number;
  /** Interface to bind; loopback only unless the user explicitly asks otherwise. */
  host?: string;
  dataDir: string;
  policyFile?: string;
  /** An in-memory policy (tests); ignored when policyFile is given. */
  policy?: Policy;
  adminToken?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Watch the policy file for changes (default true when a file is given). */
  watchPolicy?: boolean;
  /** Encrypts cached bodies at rest (AES-256-GCM); default from TOLLGATE_CACHE_KEY. */
  cacheCodec?: CacheBodyCodec;
  /** Embedding overrides (tests: a local hub URL, a fixture model with a registered pin). */
  semantic?: { remoteHost?: string; modelId?: string; allowDownload?: boolean };
  /** The token counter (tests: one whose readiness they control); default the process's shared worker. */
  tokens?: TokenCounting;
  /** On close, how long calls in flight may take to finish before their connections are cut (default DRAIN_MS). */
  drainMs?: number;
}

/**
 * Default wait for calls in flight when the proxy stops (SIGTERM/SIGINT). With UNWIND_MS and the
 * embedding worker's stop bound it stays under STOP_GRACE_MS (contract/process.ts), which the CLI
 * and the VS Code extension's kill timer both wait out.
 */
export const DRAIN_MS = 3_000;
/**
 * After cutting the calls still in flight, how long their pipelines get to write their rows (a cut
 * stream's output is estimated by the token worker first).
 */
const UNWIND_MS = 1_500;
/** How long the 503s of calls still waiting at the cut may take to reach their clients. */
const LAST_WORD_MS = 250;

/**
 * Answers a request still waiting when the stop's wait ran out, unless its headers went out
 * already; returns the response it answered.
 */
type LastWord = () => Res | undefined;
/** How often a running proxy looks for reservations left open by a proxy that died (a few ms each). */
const ORPHAN_SWEEP_MS = 15_000;

/** Resolves once `pending` is empty or `ms` passed, calling `tick` every 50 ms meanwhile. */
async function drain(pending: ReadonlySet<Promise<void>>, ms: number, tick: () => void = () => {}): Promise<void> {
  const end = performance.now() + ms;
  while (pending.size > 0 && performance.now() < end) {
    tick();
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, end - performance.now()))));
  }
}

export interface RunningProxy {
  url: string;
  port: number;
  adminToken: string;
  services: ProxyServices;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

const silentLog: Logger = { info() {}, warn() {}, error() {} };

function saltFor(db: Db): string {
  let salt = getMeta(db, 'fingerprint_salt');
  if (!salt) {
    salt = randomBytes(32).toString('hex');
    setMeta(db, 'fingerprint_salt', salt);
  }
  return salt;
}

/**
 * `localhost` resolves to ::1 first on most systems (/etc/hosts, macOS): clients that try only the
 * first address (Node 18 and older, Java's HttpURLConnection, a client given `family: 6`) got
 * ECONNREFUSED ::1:<port> for http://localhost:<port>/v1 from a proxy bound to 127.0.0.1 alone.
 * The same port on ::1 (loopback too) hands its connections to the same server, so the Host check
 * and everything else apply unchanged. Best effort: without IPv6, or with the port taken there by
 * another program (named in the log), the proxy stays on 127.0.0.1 only.
 */
async function listenOnIpv6Loopback(server: HttpServer, port: number, log: Logger): Promise<NetServer | undefined> {
  const v6 = createNetServer((socket) => server.emit('connection', socket));
  return new Promise((resolve) => {
    v6.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') log.warn(`another program listens on [::1]:${port}: clients that reach "localhost" over IPv6 get it, not Tollgate; use http://127.0.0.1:${port}`);
      resolve(undefined);
    });
    v6.listen({ port, host: '::1', ipv6Only: true }, () => {
      v6.on('error', (err) => log.warn(`[::1]:${port}: ${err.message}`));
      resolve(v6);
    });
  });
}

export async function startProxy(opts: StartOptions): Promise<RunningProxy> {
  const log = opts.log ?? silentLog;
  const env = opts.env ?? process.env;
  const policyStore = opts.policyFile ? PolicyStore.open(opts.policyFile, { env }) : PolicyStore.fromPolicy(opts.policy ?? DEFAULT_POLICY, { env });
  // The token worker builds its encoders in its own thread, in the background: the start does not
  // wait for it, and admission reserves an upper bound until it is ready.
  const p0 = policyStore.policy;
  const countsTokens = p0.budgets.length > 0 || p0.rateLimits.length > 0 || p0.routing.rules.some((r) => r.match.minInputTokens !== undefined || r.match.maxInputTokens !== undefined);
  const tokens = opts.tokens ?? TokenCounter.shared();
  const tokensT0 = performance.now();
  if (countsTokens) void warmTokens(tokens).then(() => log.info(`token worker ready after ${Math.round(performance.now() - tokensT0)} ms`));
  const held = () => policyStore.trustFindings;
  for (const f of held()) log.warn(`held until approved: ${describeFinding(f)}`);
  // Valid, but probably not what was meant (a rule that never applies, a model the API does not know).
  const logWarnings = () => {
    for (const w of policyStore.warnings) log.warn(`policy warning: ${formatProblem(w)}`);
  };
  logWarnings();
  // The company proxy of the environment (HTTPS_PROXY, NO_PROXY…): undici reads none by itself.
  const outbound = outboundProxyFromEnv(env);
  for (const p of outbound.problems) log.warn(p);
  const outboundLine = describeOutboundProxy(outbound);
  if (outboundLine) log.info(outboundLine);
  const dbFile = join(opts.dataDir, 'tollgate.db');
  const db = openDatabase(dbFile, { backgroundCheckpoints: true });
  /** Startup reads that find the file damaged end the start with one readable line (db/open.ts). */
  const onDb = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      const readable = databaseFileError(err, dbFile);
      if (!readable) throw err;
      db.close();
      throw readable;
    }
  };
  const codec = opts.cacheCodec ?? codecFromEnv(env);
  let providers: Map<string, ResolvedProvider> = resolveProviders(policyStore.policy);
  const events = new EventEmitter<{ live: [LiveEvent] }>();
  // One listener per open /tollgate/events stream (each dashboard, window, reload), released when
  // it closes: the eleventh concurrent stream printed node's "possible EventEmitter memory leak"
  // warning. The same allowance as the ledger's 'call' listeners, which each stream also adds.
  events.setMaxListeners(100);
  policyStore.on('change', (p) => {
    providers = resolveProviders(p);
    log.info(`policy reloaded from ${policyStore.file ?? '(memory)'}`);
    for (const f of held()) log.warn(`held until approved: ${describeFinding(f)}`);
    logWarnings();
    events.emit('live', { event: 'policy', data: { ok: true, problems: [] } });
  });
  // On the last line of the first invalid reload of a run only (the lines stay bounded): a program
  // that saves the policy in place, in pieces, can be read half-written; how to avoid that, once.
  let saveAdvised = false;
  policyStore.on('invalid', (problems) => {
    // The store keeps the last good policy (or the built-in defaults, if none loaded yet): say so.
    problems.forEach((p, i) => {
      const advice = !saveAdvised && i === problems.length - 1 ? ' (if it was read half-written: write the new policy elsewhere and rename it over the old one)' : '';
      log.warn(`policy not applied, the last good one stays in force: ${formatProblem(p)}${advice}`);
    });
    saveAdvised = true;
    events.emit('live', { event: 'policy', data: { ok: false, problems } });
  });
  if (opts.policyFile && opts.watchPolicy !== false) await policyStore.watch();

  const stopping = new AbortController();
  const services: ProxyServices = {
    stopping: stopping.signal,
    onStop: stopHooks(stopping.signal),
    db,
    policy: policyStore,
    providers: () => providers,
    exactCache: new ExactCache(db, codec),
    // With TOLLGATE_CACHE_KEY every stored prompt text is encrypted: cached prompts, previews, semantic texts.
    ledger: new Ledger(db, codec, (l) => log.warn(l)),
    metrics: new Metrics(),
    dispatcher: new TrustGatedAgent(held, { keepAliveTimeout: 30_000, connections: 256 }, outbound),
    tokens,
    salt: saltFor(db),
    env: opts.env ?? process.env,
    log,
    ...(codec ? { textCodec: codec } : {}),
  };
  // A provider a reload removed or renamed: its series leave /metrics ('none': calls that reached no provider).
  policyStore.on('change', () => services.metrics.forgetProviders(new Set([...providers.keys(), 'none'])));
  const semantic = new SemanticCache({
    db,
    dataDir: opts.dataDir,
    backend: policyStore.policy.cache.semantic.backend,
    allowDownload: policyStore.policy.cache.semantic.allowModelDownload && process.env.TOLLGATE_MODEL_DOWNLOAD !== '0',
    log: (line) => log.info(line),
    ...(codec ? { textCodec: codec } : {}),
    ...(opts.semantic ?? {}),
  });
  // Feedback reads the live policy (maxFalseHitRisk, adaptive): the stage, the bad-hit header and
  // the local API share this one tracker.
  semantic.quality.usePolicy(() => policyStore.policy.cache.semantic);
  // The model loads in the background only when semantic caching is on (now or after a policy edit).
  const startSemanticIfEnabled = (p: Policy) => {
    if (p.cache.enabled && p.cache.semantic.enabled) semantic.start();
  };
  startSemanticIfEnabled(policyStore.policy);
  policyStore.on('change', startSemanticIfEnabled);

  services.router = new RouterRuntime({ shared: () => semantic.embeddings, db, log: (l) => log.warn(l), ...(policyStore.file ? { exemplarsPath: exemplarsPathFor(policyStore.file) } : {}) });
  if (Object.keys(policyStore.policy.routing.tiers).length > 0 && policyStore.policy.routing.router === 'learned') services.router.embedder.warm();

  /** What the user reads once this proxy stopped writing to its file, with what to do. */
  const problemMessage = (p: DataFileProblem): string =>
    p.kind === 'newer-format'
      ? `${dbFile} was migrated to data format ${p.format} by a newer Tollgate while this proxy (Tollgate ${VERSION}, data format ${SCHEMA_VERSION}) was running; it no longer writes to it and refuses calls, which it could not record. Stop it and start the newer Tollgate (reload the VS Code window that started it, or restart \`tollgate start\`).`
      : `${dbFile} was removed or replaced while this proxy was running (its data directory deleted, or an older copy restored); it no longer writes to the file it opened, whose rows would be lost, and refuses calls, which it could not record. Restart it so it opens the data directory as it is now (reload the VS Code window that started it, or restart \`tollgate start\`).`;
  const refusal = (p: DataFileProblem): { type: string; message: string } => ({
    type: p.kind === 'newer-format' ? NEWER_DATA_FORMAT_ERROR : DATA_FILE_REPLACED_ERROR,
    message: problemMessage(p),
  });
  const format = new FormatWatch(
    db,
    (p) => {
      log.error(problemMessage(p));
      // Its writes would now fail every few minutes: nothing more to prune in a file this build no longer writes.
      retention.close();
    },
    undefined,
    dbFile,
  );
  /** Why this proxy no longer writes to its file (checked at most once a second), or undefined. */
  const writesRefused = (): { type: string; message: string } | undefined => {
    const p = format.check();
    return p === undefined ? undefined : refusal(p);
  };
  // Its first run reads the whole ledger: where a damaged file shows (SQLITE_CORRUPT).
  const retention = onDb(() => new LedgerRetention(db, services.ledger, () => policyStore.policy.ledger, (l) => log.info(l)).start());
  const governor = new Governor(db, () => policyStore.policy, Date.now, { warn: (l) => log.warn(l) });
  const recovered = onDb(() => governor.recoverAfterRestart());
  if (recovered > 0) log.info(`settled ${recovered} budget reservation(s) left open by an earlier run`);
  // Another proxy on the same data directory (the CLI beside the editor's, a second window) may be
  // killed mid-call: its reservations would hold the budgets they name until someone sweeps. The
  // frequent sweep reads only the open reservations; the full one also prunes old rows. A sweep that
  // fails (a busy disk) is retried by the next one, never ends the proxy.
  // The frequent one also relays budget alerts another proxy on the file raised (they fire once,
  // in the process whose call crossed the threshold) to this proxy's listeners.
  const sweep = (full: boolean) => () => {
    // The frequent sweep is also where an idle proxy notices a newer Tollgate migrated the file (or it went).
    if (format.check() !== undefined) return;
    try {
      const n = full ? governor.recoverAfterRestart() : governor.recoverOrphans();
      if (n > 0) log.info(`settled ${n} budget reservation(s) left open by a proxy that is gone`);
      if (!full) governor.relayAlerts();
    } catch (err) {
      log.warn(`budget reservation sweep failed (retried later): ${(err as Error).message}`);
    }
  };
  const recoverTimer = setInterval(sweep(true), 5 * 60_000);
  recoverTimer.unref();
  const orphanTimer = setInterval(sweep(false), ORPHAN_SWEEP_MS);
  orphanTimer.unref();
  governor.on('budget', (e) => {
    log.warn(`budget ${e.budget}: ${e.level} (${e.spentUsd.toFixed(4)} USD${e.limitUsd !== undefined ? ` of ${e.limitUsd}` : ''})`);
    events.emit('live', { event: 'budget', data: e });
  });

  // Calls in flight (proxied calls, batch API requests), so a stop can let them finish (and write
  // their ledger rows) before the database closes.
  const pipeline = buildPipeline({ governor, semantic, held });
  const inFlight = new Set<Promise<void>>();
  // What each one still waiting says when the stop's wait runs out (a provider-shaped 503, if its
  // headers have not gone out): cut instead, its SDK raised a bare "Connection error".
  const lastWords = new Set<LastWord>();
  const track = (p: Promise<void>, lastWord?: LastWord): Promise<void> => {
    inFlight.add(p);
    if (lastWord) lastWords.add(lastWord);
    const done = (): void => {
      inFlight.delete(p);
      if (lastWord) lastWords.delete(lastWord);
    };
    p.then(done, done);
    return p;
  };
  const tracked = (ctx: Parameters<typeof pipeline>[0]): Promise<void> => {
    const refused = writesRefused();
    if (refused !== undefined) {
      // Relaying would break "every call in the ledger" (the file no longer takes this build's
      // rows, or is not the data directory's any more): refuse before the upstream is called, in
      // the provider's error shape, and tell the SDKs not to retry (they retry a 503 by default).
      ctx.res
        .status(503)
        .setHeader('x-should-retry', 'false')
        .json(providerError(ctx.endpoint.protocol, 503, 'server_error', refused.message, refused.type));
      return Promise.resolve();
    }
    return track(pipeline(ctx), () => {
      if (ctx.res.headersSent) return undefined;
      ctx.res.status(503).setHeader('x-tollgate-request-id', ctx.requestId);
      ctx.res.json(providerError(ctx.endpoint.protocol, 503, 'server_error', 'Tollgate is stopping: the call had no answer yet when its wait for calls in flight ran out, and is cancelled. Send it again once Tollgate runs.'));
      return ctx.res;
    });
  };

  const adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
  const startedAt = Date.now();

  const app = createApp(
    services,
    {
    adminToken,
    health: () => {
      const problem = format.check();
      return {
        version: VERSION,
        // Two builds of one version differ here (the extension compares it; absent from sources and older proxies).
        ...(BUILD ? { build: BUILD } : {}),
        uptimeSec: Math.round((Date.now() - startedAt) / 1000),
        policy: { file: policyStore.file, problems: policyStore.lastProblems },
        // Providers held until the user approves their host (the extension asks, then restarts with TOLLGATE_TRUSTED_HOSTS).
        trust: { pending: held() },
        // A file replaced under the proxy may not even have the cache's tables: its counts are left out.
        ...(problem === undefined ? { cacheEntries: services.exactCache.count(), semanticEntries: semantic.store.count() } : {}),
        semanticLookupsShed: semantic.shedCount,
        embedder: semantic.state,
        // The proxy stopped writing to its file: still up, but refusing calls (the extension says so).
        ...(problem === undefined
          ? {}
          : { dataFileProblem: { reason: problem.kind, ...(problem.kind === 'newer-format' ? { format: problem.format } : {}), message: problemMessage(problem) } satisfies HealthDataFileProblem }),
      };
    },
    writesRefused,
    clearCache: async (ns) => {
      // Semantic rows hang off exact entries: clearing a key's namespace clears all of that key's
      // vectors. In batches, a turn of the event loop between two: a year's cache in one
      // transaction held every call for seconds.
      const { removed } = await clearInBatches(services.db, services.exactCache, semantic.store, ns === undefined ? {} : { namespace: ns }, () => new Promise((r) => setImmediate(r)));
      return removed;
    },
    evictEntry: (id, opts) => evictCacheEntry(semantic, services.exactCache, id, opts?.report !== false),
    // The API's budget rows (webview/src/protocol.ts BudgetStatus) plus the governor's full detail.
    budgets: () =>
      governor.status().map((b) => ({
        ...b,
        scope: b.scopeLabel,
        scopeDetail: b.scope,
        ratio: b.used,
        forecastUsd: b.forecast.usd ?? 0,
      })),
    onEvent: (listener) => {
      const l = (e: LiveEvent) => listener(e.event, e.data as never);
      events.on('live', l);
      return () => events.off('live', l);
    },
    },
    tracked,
    [batchRouter(services, governor, adminToken, writesRefused, track)],
  );

  const pricesMs = warmPrices((l) => log.info(l));
  const httpT0 = performance.now();
  await settle(warmHttpClient(services.dispatcher, (l) => log.info(l)), HTTP_WARM_WAIT_MS);
  const httpWaitMs = performance.now() - httpT0;
  const requestedPort = opts.port ?? policyStore.policy.server.port;
  const server: HttpServer = await new Promise<HttpServer>((resolve, reject) => {
    const s = app.listen(requestedPort, opts.host ?? "127.0.0.1");
    s.once('listening', () => resolve(s));
    // The port that was asked for, wherever it came from (flag, policy or default), so the message names it.
    s.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(requestedPort) : err));
  }).catch(async (err) => {
    await policyStore.close();
    db.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const ipv6Loopback = opts.host === undefined ? await listenOnIpv6Loopback(server, port, log) : undefined;
  log.info(`built the price tables in ${Math.round(pricesMs)} ms; waited ${Math.round(httpWaitMs)} ms for the HTTP client`);

  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminToken,
    services,
    async close() {
      if (closed) return;
      closed = true;
      // Stop accepting connections, then give the calls in flight up to drainMs to finish: their
      // clients get the answer the upstream is already billing for, and the ledger its row.
      // Cutting them at once lost both (and a stream's row, cut after the database closed).
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      ipv6Loopback?.close();
      await drain(inFlight, opts.drainMs ?? DRAIN_MS, () => server.closeIdleConnections());
      // What is cut now unwinds (a row each: 503 `proxy_stopping` if its upstream had not answered) before anything below closes the database; its
      // token counts may not wait for a busy worker past then (pipeline/cost.ts countBeforeStop).
      // Aborted first: a JSON call's upstream request is cancelled by it only while its client has
      // no answer, and the answer below is the client's.
      stopping.abort();
      // Each answer written before its connection is cut (a turn or two; bounded all the same).
      const said = new Set<Promise<void>>();
      for (const say of lastWords) {
        const res = say();
        if (res === undefined || res.writableFinished) continue;
        const written = new Promise<void>((done) => {
          res.once('finish', done);
          res.once('close', done);
        });
        said.add(written);
        void written.then(() => said.delete(written));
      }
      await drain(said, LAST_WORD_MS);
      server.closeAllConnections();
      await drain(inFlight, UNWIND_MS);
      await stopped;
      await policyStore.close();
      await services.dispatcher.close();
      // Side by side: each embedding release may wait CLOSE_REPLY_WAIT_MS for the worker, so in turn
      // they doubled that share of the stop (the router closes only its own service, never the shared one).
      await Promise.all([services.router?.close(), semantic.close()]);
      clearInterval(recoverTimer);
      clearInterval(orphanTimer);
      retention.close();
      governor.close();
      services.exactCache.flushHits();
      services.ledger.close();
      db.close();
    },
  };
}

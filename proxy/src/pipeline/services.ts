/**
 * Long-lived collaborators shared by every call: storage, policy, metrics, the upstream HTTP
 * agent. Built once by `startProxy`; optional parts (semantic cache, governance) plug in here.
 */
import type { Agent } from 'undici';
import type { ExactCache } from '../cache/exactCache';
import type { Db } from '../db/open';
import type { Ledger, TextCodec } from '../ledger/ledger';
import type { Metrics } from '../metrics/metrics';
import type { ResolvedProvider } from '../policy/schema';
import type { PolicyStore } from '../policy/store';
import type { RouterRuntime } from '../routing/runtime';
import type { TokenCounting } from '../workers/tokenCounter';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** Detail for diagnosing the proxy itself (the CLI prints it with TOLLGATE_DEBUG=1). */
  debug?(msg: string): void;
}

export interface ProxyServices {
  db: Db;
  policy: PolicyStore;
  providers(): Map<string, ResolvedProvider>;
  exactCache: ExactCache;
  ledger: Ledger;
  metrics: Metrics;
  dispatcher: Agent;
  /** Token counting off the event loop (estimates and budget reservations). */
  tokens: TokenCounting;
  /** Per-data-directory random salt for key fingerprints (never leaves the machine). */
  salt: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Encrypts stored prompt text at rest when TOLLGATE_CACHE_KEY is set (captured request bodies use it too). */
  textCodec?: TextCodec;
  /** The learned router's embedder, team exemplars and recent prompts (absent: cheap features only). */
  router?: RouterRuntime;
  /** Aborted when the proxy stops and cuts the calls still in flight (their rows must be written before the database closes). */
  stopping: AbortSignal;
  /** Runs a hook when `stopping` aborts; returns what forgets it (see stopHooks). */
  onStop: (fn: () => void) => () => void;
}

/**
 * Runs a hook when `stopping` aborts (not if it already has); returns what forgets it again. One
 * per proxy, on its ProxyServices: an 'abort' listener on the signal per call in flight printed
 * node's MaxListenersExceededWarning with a few dozen concurrent calls. One listener tells them
 * all, and goes with the last call it tells (an idle proxy's signal has none).
 */
export function stopHooks(stopping: AbortSignal): (fn: () => void) => () => void {
  const hooks = new Set<() => void>();
  const listener = () => {
    for (const hook of hooks) hook();
    hooks.clear();
  };
  return (fn) => {
    if (stopping.aborted) return () => {};
    if (hooks.size === 0) stopping.addEventListener('abort', listener, { once: true });
    hooks.add(fn);
    return () => {
      if (hooks.delete(fn) && hooks.size === 0) stopping.removeEventListener('abort', listener);
    };
  };
}

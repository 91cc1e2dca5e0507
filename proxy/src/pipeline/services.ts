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
  stopping?: AbortSignal;
}

/** The calls to tell when the proxy stops, per stop signal, and the one listener that tells them. */
const stopHooks = new WeakMap<AbortSignal, { hooks: Set<() => void>; listener: () => void }>();

/**
 * Runs `fn` when `stopping` aborts (not if it already has); returns what forgets it again. The
 * signal lives as long as the proxy: an 'abort' listener on it per call in flight printed node's
 * MaxListenersExceededWarning with a few dozen concurrent calls. One listener tells them all, and
 * goes with the last call it tells (an idle proxy's signal has none).
 */
export function onStop(stopping: AbortSignal | undefined, fn: () => void): () => void {
  if (!stopping || stopping.aborted) return () => {};
  let entry = stopHooks.get(stopping);
  if (!entry) {
    const hooks = new Set<() => void>();
    const listener = () => {
      stopHooks.delete(stopping);
      for (const hook of hooks) hook();
    };
    entry = { hooks, listener };
    stopHooks.set(stopping, entry);
    stopping.addEventListener('abort', listener, { once: true });
  }
  const { hooks, listener } = entry;
  hooks.add(fn);
  return () => {
    if (!hooks.delete(fn) || hooks.size > 0 || stopHooks.get(stopping)?.hooks !== hooks) return;
    stopHooks.delete(stopping);
    stopping.removeEventListener('abort', listener);
  };
}

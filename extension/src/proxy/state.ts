import type { HealthDataFileProblem } from '@contract/api';

/** What the supervisor knows about the proxy process, as shown in the status bar and messages. */
/** `bad-config`: the CLI refused its configuration for another reason than the policy file (exit 4, e.g. TOLLGATE_CACHE_KEY). */
/** `bad-port`: `tollgate.proxy.port` holds no usable port (settings.json takes any value). */
export type FailureReason = 'port-in-use' | 'bad-policy' | 'bad-config' | 'bad-port' | 'no-node' | 'missing-cli' | 'crashed' | 'unhealthy';

export type ProxyState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  /** `attached`: another Tollgate (another window, a terminal) already serves this port; we use it but do not own it. */
  | { kind: 'running'; url: string; port: number; pid?: number; attached: boolean; version?: string; /** The proxy's build identity, when it reports one. */ build?: string; /** Attached: the process proved it holds our admin token (identity.ts). */ verified?: boolean; /** It stopped writing to its data file (a newer Tollgate migrated it, or it was removed or replaced): it answers but refuses calls until restarted (/healthz `dataFileProblem`). */ dataFileProblem?: HealthDataFileProblem }
  | { kind: 'restarting'; inMs: number; attempt: number; reason: string }
  | { kind: 'failed'; reason: FailureReason; message: string };

export function baseUrls(port: number): { openai: string; anthropic: string; root: string } {
  const root = `http://127.0.0.1:${port}`;
  return { root, openai: `${root}/v1`, anthropic: root };
}

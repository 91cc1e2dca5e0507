/**
 * Test harness: a fake upstream plus a real proxy (real SQLite file in a temp dir) whose policy
 * points both providers at the fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from './fakeUpstream';

export interface Harness {
  upstream: FakeUpstream;
  proxy: RunningProxy;
  dataDir: string;
  /** OpenAI base URL through the proxy. */
  openaiBaseUrl: string;
  /** Anthropic base URL through the proxy. */
  anthropicBaseUrl: string;
  close(): Promise<void>;
}

type ProviderTweaks = { baseUrl?: string; timeoutMs?: number; idleTimeoutMs?: number; headers?: Record<string, string>; priceAs?: Record<string, string> };

export interface HarnessOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  /** Field-wise overrides of the two built-in providers (timeouts, or a dead URL). */
  openai?: ProviderTweaks;
  anthropic?: ProviderTweaks;
}

export async function startHarness(policy: PolicyInput = {}, opts: HarnessOptions = {}): Promise<Harness> {
  const upstream = await startFakeUpstream();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const merged = PolicySchema.parse({
    ...policy,
    providers: {
      openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 5_000, idleTimeoutMs: 2_000, ...opts.openai },
      anthropic: { baseUrl: upstream.anthropicBaseUrl, timeoutMs: 5_000, idleTimeoutMs: 2_000, ...opts.anthropic },
      ...(policy.providers ?? {}),
    },
  });
  const proxy = await startProxy({ port: 0, dataDir, policy: merged, env: opts.env ?? {} });
  return {
    upstream,
    proxy,
    dataDir,
    openaiBaseUrl: `${proxy.url}/v1`,
    anthropicBaseUrl: proxy.url,
    async close() {
      await proxy.close();
      await upstream.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the proxy's embedding model is loaded (it loads in the background; until then lookups are misses). */
export async function waitForEmbedder(proxyUrl: string, attempts = 900): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const health = (await (await fetch(`${proxyUrl}/healthz`)).json()) as { embedder: { state: string; error?: string } };
    if (health.embedder.state === 'ready') return;
    if (health.embedder.state === 'failed') throw new Error(health.embedder.error);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('embedder never became ready');
}

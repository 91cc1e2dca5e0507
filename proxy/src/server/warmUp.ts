/**
 * Work the first request would otherwise pay for, done right after the proxy starts listening:
 * the price tables of @pydantic/genai-prices are built on first use (~0.4 s), and the token
 * worker (a thread that loads the tokenizer ranks) is spawned on the first count, and the HTTP
 * client compiles its parser (WebAssembly) on its first connection. All are started here, off the
 * request path, so the first call after each start is as fast as the rest.
 */
import { request, type Dispatcher } from 'undici';
import { priceCall } from '../pricing/price';
import type { TokenCounter } from '../workers/tokenCounter';

/** Models whose tables and encoders are warmed: the defaults SDK examples and Tollgate use. */
const WARM_MODELS: Array<{ model: string; provider: string }> = [
  { model: 'gpt-4o-mini', provider: 'openai' },
  { model: 'claude-3-5-haiku-latest', provider: 'anthropic' },
];

export interface WarmUpTargets {
  /**
   * The token worker, when the policy counts tokens on the request path (budgets, rate limits,
   * token-bound rules); otherwise it is left unspawned: its tokenizer ranks cost ~100 MiB of RSS.
   */
  tokens: Pick<TokenCounter, 'warm'> | undefined;
  /** The upstream HTTP client; one request to our own /healthz compiles its parser. */
  dispatcher: Dispatcher;
  selfUrl: string;
  log?: (line: string) => void;
}

export function warmUp(t: WarmUpTargets): void {
  // After the current tick: the server is already accepting connections.
  setImmediate(() => {
    const t0 = performance.now();
    try {
      t.tokens?.warm(WARM_MODELS.map((m) => m.model));
      for (const { model, provider } of WARM_MODELS) priceCall(model, { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 }, provider);
    } catch (err) {
      t.log?.(`warm-up of prices skipped: ${(err as Error).message}`);
    }
    request(`${t.selfUrl}/healthz`, { dispatcher: t.dispatcher, headersTimeout: 5_000, bodyTimeout: 5_000 })
      .then((r) => r.body.dump())
      .catch(() => undefined)
      .finally(() => t.log?.(`warmed price tables, token worker and HTTP client in ${Math.round(performance.now() - t0)} ms`));
  }).unref();
}

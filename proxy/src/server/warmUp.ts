/**
 * Work the first request would otherwise pay for, kept off the request path:
 *  - the token worker (a thread that builds the tokenizer's encoders, a second or more on a busy
 *    machine) is spawned as soon as the policy is known and builds them in the background; the
 *    start does not wait for it, and until it is ready admission reserves an upper bound
 *    (pipeline/cost.ts reservationInputTokens) instead of waiting for a count;
 *  - the price tables of @pydantic/genai-prices are built on first use (a few ms of synchronous
 *    work here): built before `listen`, they cannot stall a request's event loop;
 *  - the HTTP client compiles its parser (WebAssembly) on its first connection: one request to a
 *    throwaway loopback server before `listen`, waited for at most HTTP_WARM_WAIT_MS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { priceCall } from '../pricing/price';
import type { TokenCounting } from '../workers/tokenCounter';

/** Models whose tables and encoders are warmed: the defaults SDK examples and Tollgate use. */
const WARM_MODELS: Array<{ model: string; provider: string }> = [
  { model: 'gpt-4o-mini', provider: 'openai' },
  { model: 'claude-3-5-haiku-latest', provider: 'anthropic' },
];

/**
 * How long the start waits, before listening, for the HTTP client's warm-up (tens of ms on a quiet
 * machine); past it the proxy listens anyway and the warm-up finishes in the background.
 */
export const HTTP_WARM_WAIT_MS = 250;

/**
 * Starts the token worker building its encoders (in its own thread) when the policy counts tokens
 * on the request path (budgets, rate limits, token-bound rules); otherwise it is left unspawned:
 * its tokenizer ranks cost ~100 MiB of RSS. Call as early in the start as possible and do not
 * await it before listening: requests do not wait for it (see `TokenCounting.isReady`).
 */
export function warmTokens(tokens: Pick<TokenCounting, 'warm'> | undefined): Promise<void> {
  return tokens ? tokens.warm(WARM_MODELS.map((m) => m.model)) : Promise.resolve();
}

/** Resolves when `p` settles or after `ms`, whichever comes first; never rejects. */
export function settle(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    p.then(
      () => resolve(),
      () => resolve(),
    ).finally(() => clearTimeout(timer));
  });
}

/** Builds the price tables now (synchronous): call before the server listens. Returns its ms. */
export function warmPrices(log?: (line: string) => void): number {
  const t0 = performance.now();
  try {
    for (const { model, provider } of WARM_MODELS) priceCall(model, { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 }, provider);
  } catch (err) {
    log?.(`warm-up of prices skipped: ${(err as Error).message}`);
  }
  return performance.now() - t0;
}

/**
 * Compiles the upstream HTTP client's parser before `listen`: one request through `dispatcher` to
 * a throwaway server on a free loopback port, closed at once. Never rejects.
 */
export async function warmHttpClient(dispatcher: Dispatcher, log?: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const server = createServer((_req, res) => res.end('ok'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const r = await request(`http://127.0.0.1:${port}/`, { dispatcher, headersTimeout: 5_000, bodyTimeout: 5_000 });
    await r.body.dump();
    log?.(`warmed the HTTP client in ${Math.round(performance.now() - t0)} ms`);
  } catch (err) {
    log?.(`warm-up of the HTTP client skipped: ${(err as Error).message}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

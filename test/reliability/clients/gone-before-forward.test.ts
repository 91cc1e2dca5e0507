/**
 * A client that gives up while the call is still in an earlier stage (here: a routing rule waiting
 * for the token count, as on a cold start while the encoder is built) must not reach the upstream:
 * its connection's 'close' has already fired, so nothing would cancel a request sent now. Before
 * the fix a JSON call was generated and billed in full (a 200 row for nobody), and a stream hung
 * on a 'drain' that never comes (no row, its reservation open, the upstream connection held).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../../proxy/src/server/start';
import type { TokenCountResult, TokenCounting } from '../../../proxy/src/workers/tokenCounter';
import { startFakeUpstream, type FakeUpstream } from '../../support/fakeUpstream';
import { sleep, until, uniq } from '../support';

/** Counts wait until the test opens the gate (a slow stage before the forward one). */
class GatedCounter implements TokenCounting {
  waiting = 0;
  private opened = false;
  private readonly waiters: Array<() => void> = [];
  warm(): Promise<void> {
    return Promise.resolve();
  }
  isReady(): boolean {
    return true;
  }
  async count(): Promise<TokenCountResult> {
    this.waiting++;
    if (!this.opened) await new Promise<void>((r) => this.waiters.push(r));
    return { tokens: 12, exact: true };
  }
  open(): void {
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

let upstream: FakeUpstream | undefined;
let proxy: RunningProxy | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  proxy = upstream = dataDir = undefined;
});

async function start(tokens: TokenCounting): Promise<RunningProxy> {
  upstream = await startFakeUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-gone-'));
  const policy = PolicySchema.parse({
    // A rule on input size makes the route stage wait for the exact token count.
    routing: { rules: [{ name: 'long-prompts', match: { minInputTokens: 100_000 }, model: 'gpt-4o' }] },
    budgets: [{ name: 'daily', period: 'day', usd: 100, action: 'block' }],
    providers: { openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 5_000, idleTimeoutMs: 2_000 } },
  });
  const log = { info() {}, warn() {}, error() {} };
  proxy = await startProxy({ port: 0, dataDir, policy, env: {}, tokens, log });
  return proxy;
}

interface Row {
  status: number;
  error_type: string | null;
  output_tokens: number;
}
const rows = (p: RunningProxy) => p.services.db.prepare('SELECT status, error_type, output_tokens FROM calls').all() as unknown as Row[];
const openReservations = (p: RunningProxy) => (p.services.db.prepare("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'").get() as { n: number }).n;

describe('a client gone before the call is forwarded', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: nothing is sent upstream, one 499 row, the reservation is released`, async () => {
      const tokens = new GatedCounter();
      const p = await start(tokens);
      const client = new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'sk-gone', maxRetries: 0 });
      const ac = new AbortController();
      const call = (async () => {
        const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: uniq('gone early [[fake:words=40]] [[fake:gap=5]]') }] };
        if (stream) {
          const s = await client.chat.completions.create({ ...body, stream: true }, { signal: ac.signal });
          for await (const _ of s) {
            /* drain */
          }
        } else {
          await client.chat.completions.create(body, { signal: ac.signal });
        }
      })();
      const settled = call.then(
        () => 'resolved',
        (e: unknown) => (e as Error).constructor.name,
      );
      await until(() => tokens.waiting > 0);
      ac.abort();
      expect(await settled).toMatch(/Abort/);
      // Let the proxy see the closed connection before the stage it waits in finishes.
      await sleep(150);
      tokens.open();
      await until(() => rows(p).length > 0, 120, 25);
      await sleep(200);
      expect(upstream!.calls()).toBe(0);
      expect(upstream!.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
      expect(rows(p)).toEqual([{ status: 499, error_type: 'client_closed_request', output_tokens: 0 }]);
      expect(openReservations(p)).toBe(0);
    });
  }
});

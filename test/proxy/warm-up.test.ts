/**
 * Start-up warm-up stays off the request path: with a token counter whose encoders are never
 * ready until the test says so, the proxy listens, answers /healthz and admits a budgeted call
 * (reserving an upper bound of its input tokens, settled to the provider's usage) without waiting
 * for it. Once the counter is ready, reservations use the exact count again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../../proxy/src/tokens/count';
import type { TokenCountResult, TokenCounting } from '../../proxy/src/workers/tokenCounter';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

/** A token counter whose encoders are "built" only when the test opens the gate; counts wait for it too. */
class GatedCounter implements TokenCounting {
  warmCalls = 0;
  countCalls = 0;
  private ready = false;
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });

  warm(): Promise<void> {
    this.warmCalls++;
    return this.gate.then(() => {
      this.ready = true;
    });
  }

  isReady(_model: string): boolean {
    return this.ready;
  }

  async count(model: string, messages: ChatMessageLike[] | undefined, texts: string[] = []): Promise<TokenCountResult> {
    this.countCalls++;
    await this.gate;
    let tokens = messages?.length ? countChatTokens(messages, model).tokens : 0;
    for (const t of texts) tokens += countTextTokens(t, model).tokens;
    return { tokens, exact: true };
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

async function start(tokens: TokenCounting, debug: string[] = []): Promise<RunningProxy> {
  upstream = await startFakeUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-warm-'));
  const policy = PolicySchema.parse({
    budgets: [{ name: 'daily', period: 'day', usd: 100, action: 'block' }],
    providers: { openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 5_000, idleTimeoutMs: 2_000 } },
  });
  const log = { info() {}, warn() {}, error() {}, debug: (m: string) => debug.push(m) };
  proxy = await startProxy({ port: 0, dataDir, policy, env: {}, tokens, log });
  return proxy;
}

interface ReservationRow {
  id: string;
  tokens: number;
  actual_tokens: number | null;
  state: string;
}
const reservations = (p: RunningProxy) => p.services.db.prepare('SELECT id, tokens, actual_tokens, state FROM governance_reservations').all() as unknown as ReservationRow[];

const MAX_OUT = 16;
const ask = (text: string) => ({ model: 'gpt-4o', max_tokens: MAX_OUT, messages: [{ role: 'system' as const, content: 'You are terse. Ünïcödé and 漢字 cost more bytes than tokens.' }, { role: 'user' as const, content: text }] });

describe('start-up warm-up off the request path', () => {
  it('listens and answers /healthz while the token worker is still building its encoders', async () => {
    const tokens = new GatedCounter();
    const p = await start(tokens);
    expect(tokens.warmCalls).toBe(1); // the budget policy starts the warm-up…
    const r = await fetch(`${p.url}/healthz`);
    expect(r.status).toBe(200);
    expect(tokens.isReady('gpt-4o')).toBe(false); // …and nothing waited for it
    tokens.open();
  });

  it('admits the first budgeted call with an upper bound, settles it to the provider usage, then reserves the exact count', async () => {
    const tokens = new GatedCounter();
    const debug: string[] = [];
    const p = await start(tokens, debug);
    const client = new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'sk-warm', maxRetries: 0 });

    const first = ask('what is two plus two?');
    const r1 = await client.chat.completions.create(first); // would hang if admission waited for the gate
    expect(tokens.isReady('gpt-4o')).toBe(false);
    expect(tokens.countCalls).toBe(0);
    const exact1 = countChatTokens(first.messages, 'gpt-4o').tokens;
    const all1 = reservations(p);
    expect(all1).toHaveLength(1);
    const res1 = all1[0];
    expect(res1!.state).toBe('settled');
    expect(res1!.tokens - MAX_OUT).toBeGreaterThanOrEqual(exact1); // never under-reserved
    expect(res1!.tokens - MAX_OUT).toBeGreaterThan(exact1); // and it was the bound, not a count
    expect(res1!.actual_tokens).toBe(r1.usage!.prompt_tokens + r1.usage!.completion_tokens);
    expect(debug.filter((l) => /upper bound/.test(l))).toHaveLength(1);

    // The ledger is priced from the provider's usage whatever was reserved.
    const row = p.services.ledger.page({}, 1).calls[0]!;
    expect(row.inputTokens).toBe(r1.usage!.prompt_tokens);
    expect(row.tokensEstimated).toBe(false);

    tokens.open();
    await tokens.warm();
    const second = ask('and three plus three?');
    await client.chat.completions.create(second);
    const res2 = reservations(p).find((r) => r.id !== res1!.id)!;
    expect(res2.tokens - MAX_OUT).toBe(countChatTokens(second.messages, 'gpt-4o').tokens);
    expect(debug.filter((l) => /upper bound/.test(l))).toHaveLength(1);
  });
});

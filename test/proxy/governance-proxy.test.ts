/**
 * Budgets, rate limits, routing, downgrade, retries and fallbacks through the real openai SDK
 * against the proxy (real SQLite ledger and reservations), the fake provider behind it.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatTexts } from '../../proxy/src/pipeline/governanceStages';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import type { BudgetStatus } from '../../webview/src/protocol';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup(policy: PolicyInput): Promise<{ h: Harness; client: OpenAI }> {
  h = await startHarness(policy);
  return { h, client: new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-gov', maxRetries: 0 }) };
}

/** The real cost of one call like `q(…)`, measured on a separate, unconstrained proxy. */
async function probeCost(extra = ''): Promise<number> {
  const probe = await setup({});
  await probe.client.chat.completions.create(q('probe', extra));
  const cost = probe.h.proxy.services.ledger.page({}, 1).calls[0]!.costUsd;
  await probe.h.close();
  h = undefined;
  return cost;
}

const q = (i: number | string, extra = '') => ({ model: 'gpt-4o', max_tokens: 12, messages: [{ role: 'user' as const, content: `question number ${i} ${extra}` }] });

describe('budgets', () => {
  it('50 parallel requests against a budget that fits 5 never overspend by more than one reservation', async () => {
    // Size the budget for 5 calls from the real cost of one.
    const one = await probeCost('[[fake:words=10]]');
    expect(one).toBeGreaterThan(0);

    const limit = one * 5.5;
    const { h: hh, client } = await setup({ budgets: [{ name: 'global-daily', period: 'day', usd: limit, action: 'block' }] });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => client.chat.completions.create(q(i, '[[fake:words=10]]'))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const blocked = results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 429).length;
    expect(ok + blocked).toBe(50);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(blocked).toBeGreaterThan(0);
    const spent = hh.proxy.services.ledger.page({ status: 'ok' }, 1000).calls.reduce((s, c) => s + c.costUsd, 0);
    const status = (await (await fetch(`${hh.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${hh.proxy.adminToken}` } })).json()) as Array<BudgetStatus & { reservedUsd: number }>;
    // The shape the dashboard and status bar read (webview/src/protocol.ts).
    expect(status[0]).toMatchObject({ name: 'global-daily', period: 'day', scope: 'global', limitUsd: limit });
    expect(status[0]!.ratio).toBeGreaterThan(0.5);
    expect(status[0]!.forecastUsd).toBeGreaterThanOrEqual(status[0]!.spentUsd);
    expect(status[0]!.resetsAt).toBeGreaterThan(Date.now());
    const reservation = one * 2; // worst case: 12 output tokens ≥ the ~10 a call really uses
    expect(spent).toBeLessThanOrEqual(limit + reservation);
    expect(status[0]!.spentUsd).toBeCloseTo(spent, 9);
    expect(status[0]!.reservedUsd).toBeCloseTo(0, 9); // every reservation settled
  });

  it('warns at 80 %, then blocks with a 429 naming the budget and when it resets', async () => {
    const one = await probeCost();

    const { h: hh, client } = await setup({ budgets: [{ name: 'team-search', scope: { team: 'search' }, period: 'day', usd: one * 4.2, action: 'block' }] });
    const headers = { 'x-tollgate-team': 'search' };
    const seen: Array<string | null> = [];
    let blocked: (Error & { status?: number; headers?: Headers }) | undefined;
    for (let i = 0; i < 8 && !blocked; i++) {
      try {
        const r = await client.chat.completions.create(q(i), { headers }).withResponse();
        seen.push(r.response.headers.get('x-tollgate-budget'));
      } catch (err) {
        blocked = err as Error & { status?: number; headers?: Headers };
      }
    }
    expect(seen.some((v) => v?.startsWith('warn'))).toBe(true);
    expect(seen[0]).toBeNull();
    expect(blocked?.status).toBe(429);
    expect(blocked?.message).toMatch(/team-search/);
    expect(blocked?.message).toMatch(/reset/i);
    expect(Number(blocked?.headers?.get('retry-after'))).toBeGreaterThan(0);
    // Other teams are not affected by this budget.
    const other = await client.chat.completions.create(q('other team'), { headers: { 'x-tollgate-team': 'ads' } }).withResponse();
    expect(other.response.headers.get('x-tollgate-budget')).toBeNull();
    const events = hh.proxy.services.ledger.page({ team: 'search' }, 100).calls;
    expect(events.some((c) => c.status === 429)).toBe(true);
  });

  it('downgrades to the small tier at 100 % when the action is downgrade', async () => {
    const { client } = await setup({
      routing: { tiers: { openai: { small: 'gpt-4o-mini', medium: 'gpt-4.1-mini', large: 'gpt-4o' } } },
      budgets: [{ name: 'tiny', period: 'day', usd: 0.0000001, action: 'downgrade' }],
    });
    // The first call spends past the tiny budget; the next one is downgraded.
    await client.chat.completions.create(q('spend it'));
    const r = await client.chat.completions.create(q('downgrade me')).withResponse();
    expect(r.data.model).toBe('gpt-4o-mini');
    expect(r.response.headers.get('x-tollgate-downgrade') ?? r.response.headers.get('x-tollgate-budget')).toBeTruthy();
  });

  it('action allow only alerts', async () => {
    const { client } = await setup({ budgets: [{ name: 'soft', period: 'day', usd: 0.0000001, action: 'allow' }] });
    await client.chat.completions.create(q('a'));
    const r = await client.chat.completions.create(q('b')).withResponse();
    expect(r.response.status).toBe(200);
    expect(r.response.headers.get('x-tollgate-budget')).toMatch(/soft/);
  });

  it('enforces requests per minute', async () => {
    const { client } = await setup({ rateLimits: [{ name: 'rpm3', rpm: 3 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await client.chat.completions.create(q(`rpm ${i}`)).then(
        () => 200,
        (e: { status?: number }) => e.status ?? 0,
      );
      statuses.push(r);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it('labels a rate-limit refusal as OpenAI labels its own (rate_limit_exceeded), not as a budget', async () => {
    const { h: hh, client } = await setup({ rateLimits: [{ name: 'rpm1', rpm: 1 }] });
    await client.chat.completions.create(q('first'));
    const err = (await client.chat.completions.create(q('second')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.type).toBe('rate_limit_exceeded');
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.headers?.get('x-tollgate-ratelimit')).toMatch(/name=rpm1/);
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(hh.proxy.services.ledger.page({ status: 'error' }, 5).calls[0]).toMatchObject({ status: 429, errorType: 'rate_limit_exceeded' });
  });

  it('a TPM refusal says what calls in flight reserve apart from what was used, and bounds the wait', async () => {
    const { client } = await setup({ rateLimits: [{ name: 'tpm', tpm: 2500 }], retries: { attempts: 0 } });
    const ask = (i: number) => ({ ...q(`tpm ${i} [[fake:slow=1500]]`), max_tokens: 1000 });
    // Two slow calls hold ~2×1010 worst-case tokens while they run; a third does not fit.
    const running = [client.chat.completions.create(ask(1)), client.chat.completions.create(ask(2))];
    await new Promise((r) => setTimeout(r, 300));
    const err = (await client.chat.completions.create(ask(3)).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    await Promise.all(running);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.message).toMatch(/allows 2500 tokens per minute: 0 used in the last 60 s and \d+ reserved by 2 calls still in flight/);
    expect(err.message).toMatch(/this request needs up to \d+\. Retry in at most \d+ s \(.*calls in flight finish/);
    const retryAfter = Number(err.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('cache hits are free and never blocked by a spent budget', async () => {
    const { h: hh, client } = await setup({});
    const policy = hh.proxy.services.policy.policy;
    hh.proxy.services.policy.set({ ...policy, budgets: [{ name: 'b', scope: {}, period: 'day', usd: 0.0000001, warnAt: 0.8, action: 'block' }] });
    // Admitted with nothing spent yet; its cost spends the budget and its answer is cached.
    await client.chat.completions.create(q('seed'));
    const hit = await client.chat.completions.create(q('seed')).withResponse();
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('exact');
    const miss = await client.chat.completions.create(q('new question')).catch((e: { status?: number }) => e);
    expect((miss as { status?: number }).status).toBe(429);
  });
});

describe('routing', () => {
  it('model "auto" goes to a tier and the response says where and why', async () => {
    const { h: hh, client } = await setup({ routing: { tiers: { openai: { small: 'gpt-4o-mini', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } } });
    // The learned router (default) uses the prompt's embedding once its model has loaded.
    await expect.poll(async () => 'embedding' in (await hh.proxy.services.router!.embedder.embed('warm up')), { timeout: 60_000, interval: 100 }).toBe(true);
    const simple = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of Portugal?' }] }).withResponse();
    // It says its probabilities and what decided: the model, team exemplars, or cheap features.
    expect(simple.response.headers.get('x-tollgate-route')).toMatch(/^small; p=[01]\.\d\d\/[01]\.\d\d; by=model; rule=auto$/);
    expect(simple.data.model).toBe('gpt-4o-mini');
    const hard = await client.chat.completions
      .create({
        model: 'auto',
        messages: [
          {
            role: 'user',
            content:
              'Design a distributed rate limiter for a multi-region API gateway. First analyse the consistency trade-offs, then prove that your token-bucket merge is monotone, ' +
              'then write the TypeScript implementation with tests:\n```ts\ninterface Limiter { take(key: string, n: number): Promise<boolean> }\n```\n' +
              'Constraints: must tolerate clock skew of 500 ms; must not exceed 1.05x the limit; must use at most 2 round trips; explain step by step and compare three alternatives.',
          },
        ],
      })
      .withResponse();
    expect(hard.response.headers.get('x-tollgate-route')).toMatch(/^(medium|large);/);
    const row = hh.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.modelRequested).toBe('auto');
    expect(row.route).toMatch(/; p=[01]\.\d\d\/[01]\.\d\d; by=/);
  });

  it('a legacy completions prompt is read as the token estimate reads it: a string, a list of strings; token ids carry no text', async () => {
    const hardAsk =
      'Design a distributed rate limiter for a multi-region API gateway. First analyse the consistency trade-offs, then prove that your token-bucket merge is monotone, ' +
      'then write the TypeScript implementation with tests:\n```ts\ninterface Limiter { take(key: string, n: number): Promise<boolean> }\n```\n' +
      'Constraints: must tolerate clock skew of 500 ms; must not exceed 1.05x the limit; must use at most 2 round trips; explain step by step and compare three alternatives.';
    expect(chatTexts({ prompt: hardAsk })).toEqual([{ role: 'user', text: hardAsk }]);
    expect(chatTexts({ prompt: ['Say hi.', hardAsk] })).toEqual([
      { role: 'user', text: 'Say hi.' },
      { role: 'user', text: hardAsk },
    ]);
    expect(chatTexts({ prompt: [9906, 1917] })).toEqual([]);
    expect(chatTexts({ prompt: [[9906, 1917], [9906]] })).toEqual([]);
    const { client } = await setup({ routing: { router: 'score', tiers: { openai: { small: 'gpt-4o-mini', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } } });
    const route = async (prompt: string | string[]) => (await client.completions.create({ model: 'auto', prompt, max_tokens: 5 }).withResponse()).response.headers.get('x-tollgate-route');
    const asString = await route(hardAsk);
    expect(asString).toMatch(/^(medium|large);/);
    expect((await route([hardAsk]))?.split(';')[0]).toBe(asString?.split(';')[0]);
    expect(await route(['What is the capital of Portugal?'])).toMatch(/^small;/);
    // The dashboard's preview shows the list's last prompt, as it does a Responses `input` list's.
    expect(h!.proxy.services.ledger.page({}, 1).calls[0]!.promptPreview).toBe('What is the capital of Portugal?');
  });

  it('a feature rule routes by tag', async () => {
    const { client } = await setup({
      routing: { tiers: { openai: { small: 'gpt-4o-mini', large: 'gpt-4.1' } }, rules: [{ name: 'summaries-small', match: { feature: 'summarize' }, tier: 'small' }] },
    });
    const r = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'summarize this' }] }, { headers: { 'x-tollgate-feature': 'summarize' } }).withResponse();
    expect(r.data.model).toBe('gpt-4o-mini');
    expect(r.response.headers.get('x-tollgate-route')).toMatch(/rule=summaries-small/);
  });
});

describe('retries and fallback', () => {
  it('retries a 500 with backoff and succeeds; each attempt has its own ledger row', async () => {
    const { h: hh, client } = await setup({ retries: { attempts: 3, backoffMs: 10, maxBackoffMs: 50 } });
    const r = await client.chat.completions.create(q('flaky [[fake:fail-first=2]]'));
    expect(r.choices[0]?.message.content).toContain('flaky');
    const rows = hh.proxy.services.ledger.page({}, 10).calls.reverse();
    expect(rows.map((c) => [c.attempt, c.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(new Set(rows.map((c) => c.requestId)).size).toBe(1);
  });

  it('falls back to the next model after a 429', async () => {
    const { h: hh, client } = await setup({ retries: { attempts: 0 }, fallbacks: [{ from: 'gpt-4o', to: ['gpt-4o-mini'] }] });
    const r = await client.chat.completions.create(q('rate limited [[fake:429-unless-mini]]')).withResponse();
    expect(r.data.model).toBe('gpt-4o-mini');
    expect(r.response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4o-mini');
    const rows = hh.proxy.services.ledger.page({}, 10).calls.reverse();
    expect(rows.map((c) => [c.modelUsed, c.status])).toEqual([
      ['gpt-4o', 429],
      ['gpt-4o-mini', 200],
    ]);
  });

  it("honours OpenAI's retry-after-ms: a wait longer than maxBackoffMs is not retried early", async () => {
    const { h: hh, client } = await setup({ retries: { attempts: 3, backoffMs: 10, maxBackoffMs: 8_000 } });
    await expect(client.chat.completions.create(q('busy [[fake:429-retry-after-ms=20000]]'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // One attempt: the upstream asked for 20 s, more than the policy lets a retry wait.
    expect(hh.proxy.services.ledger.page({}, 10).calls.map((c) => c.status)).toEqual([429]);
  });

  it('skips a fallback target of the other wire protocol and tries the next one', async () => {
    // Tollgate does not translate bodies, so an OpenAI-protocol call cannot go to an Anthropic
    // target; a catch-all list that names one per protocol must still reach the OpenAI one.
    const { h: hh, client } = await setup({ retries: { attempts: 0 }, fallbacks: [{ from: 'gpt-4o', to: ['anthropic/claude-sonnet-4-5', 'gpt-4o-mini'] }] });
    const r = await client.chat.completions.create(q('rate limited [[fake:429-unless-mini]]')).withResponse();
    expect(r.data.model).toBe('gpt-4o-mini');
    expect(r.response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4o-mini');
    const rows = hh.proxy.services.ledger.page({}, 10).calls.reverse();
    expect(rows.map((c) => [c.provider, c.modelUsed, c.status])).toEqual([
      ['openai', 'gpt-4o', 429],
      ['openai', 'gpt-4o-mini', 200],
    ]);
  });

  it('falls back to the next model after a 500 that retries do not fix', async () => {
    const { h: hh, client } = await setup({ retries: { attempts: 0 }, fallbacks: [{ from: 'gpt-4o', to: ['gpt-4o-mini'] }] });
    // The fake answers 429 for the marker on every model; the fallback request carries the same text,
    // so use a marker that fails only the first call with that prompt.
    const r = await client.chat.completions.create(q('fallback please [[fake:fail-first=1]]')).withResponse();
    expect(r.data.model).toBe('gpt-4o-mini');
    expect(r.response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4o-mini');
    const rows = hh.proxy.services.ledger.page({}, 10).calls.reverse();
    expect(rows.map((c) => c.modelUsed)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    // A fallback answer is not cached under the original model's key.
    const again = await client.chat.completions.create(q('fallback please [[fake:fail-first=1]]')).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('after a budget downgrade, skips fallbacks that cost more than the downgraded model', async () => {
    const { h: hh, client } = await setup({
      budgets: [{ name: 'tiny', period: 'day', usd: 0.0000001, action: 'downgrade' }],
      routing: { tiers: { openai: { small: 'gpt-4.1-nano', large: 'gpt-4.1' } } },
      retries: { attempts: 0 },
      fallbacks: [{ from: 'gpt-4.1*', to: ['gpt-4.1-mini'] }],
    });
    await client.chat.completions.create({ ...q('spend it'), model: 'gpt-4.1' });
    // Downgraded to nano, nano is rate limited; mini (4× nano's price) would undo the downgrade.
    const err = (await client.chat.completions.create({ ...q('downgraded then fails [[fake:429-unless-mini]]'), model: 'gpt-4.1' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('x-tollgate-downgrade')).toBe('gpt-4.1 -> gpt-4.1-nano; budget=tiny');
    expect(err.headers?.get('x-tollgate-fallback-skipped')).toBe('openai/gpt-4.1-mini; not priced at or below gpt-4.1-nano (budget=tiny)');
    expect(err.headers?.get('x-tollgate-fallback')).toBeNull();
    expect(hh.upstream.requests.slice(-1).map((r) => (r.body as { model: string }).model)).toEqual(['gpt-4.1-nano']);
    expect(hh.proxy.services.ledger.page({}, 10).calls.reverse().map((c) => [c.modelUsed, c.status])).toEqual([
      ['gpt-4.1', 200],
      ['gpt-4.1-nano', 429],
    ]);
  });

  it('after a budget downgrade, falls back only to targets priced at or below it (an unpriced one is not)', async () => {
    const { client } = await setup({
      budgets: [{ name: 'tiny', period: 'day', usd: 0.0000001, action: 'downgrade' }],
      routing: { tiers: { openai: { small: 'gpt-4o-mini', large: 'gpt-4o' } } },
      retries: { attempts: 0 },
      fallbacks: [{ from: 'gpt-4o*', to: ['my-local-llama', 'gpt-4o', 'gpt-4.1-nano'] }],
    });
    await client.chat.completions.create(q('spend it'));
    const r = await client.chat.completions.create(q('downgraded, then a 500 [[fake:fail-first=1]]')).withResponse();
    expect(r.data.model).toBe('gpt-4.1-nano');
    expect(r.response.headers.get('x-tollgate-downgrade')).toBe('gpt-4o -> gpt-4o-mini; budget=tiny');
    expect(r.response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4.1-nano');
    expect(r.response.headers.get('x-tollgate-fallback-skipped')).toBe('openai/my-local-llama, openai/gpt-4o; not priced at or below gpt-4o-mini (budget=tiny)');
  });

  it('retries a connection reset before any byte, but never once a stream started', async () => {
    const { h: hh, client } = await setup({ retries: { attempts: 2, backoffMs: 5, maxBackoffMs: 10 } });
    await expect(client.chat.completions.create(q('reset [[fake:reset]]'))).rejects.toThrow();
    expect(hh.proxy.services.ledger.page({}, 10).calls.map((c) => c.attempt).sort()).toEqual([1, 2, 3]);
    const before = hh.upstream.requests.length;
    const stream = await client.chat.completions.create({ ...q('stream reset [[fake:reset-mid-stream]] [[fake:words=12]]'), stream: true });
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toThrow();
    expect(hh.upstream.requests.length - before).toBe(1); // no retry after the first byte
  });
});

/**
 * A spent budget refuses an agent's turn until the budget resets, hours away: the refusal must end
 * the agent's retries at once, not feed them. Codex 0.171 honoured the day-long `retry-after` and sat
 * silently in "Reconnecting... 1/5"; with OpenAI's `insufficient_quota` code it stops and says the
 * quota is spent. The OpenAI and Anthropic SDKs stop at `x-should-retry: false` instead of sending
 * the refused call twice more. A budget held only by calls in flight (they settle in seconds) stays a
 * retryable refusal. Replays the agents' recorded requests (fixtures/) at a real proxy.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_FLIGHT_RETRY_S } from '../../../proxy/src/governance/governor';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../../support/harness';
import { recorded, startAgentUpstream, type AgentUpstream, type Json, type RecordedRequest } from './agentUpstream';

const codex = recorded('codex-0.171.0.jsonl');
const claude = recorded('claude-code-2.1.197.jsonl').filter((r) => r.method === 'POST');
const OPENAI_KEY = 'sk-proj-agent-test-key';
const ANTHROPIC_KEY = 'sk-ant-api03-agent-test-key';

async function replay(h: Harness, r: RecordedRequest, key: string): Promise<Response> {
  const auth: Record<string, string> = r.url.startsWith('/v1/responses') ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
  return fetch(`${h.proxy.url}${r.url}`, { method: r.method, headers: { ...r.headers, ...auth }, body: JSON.stringify(r.body) });
}

function setup(policy: PolicyInput): { up: () => AgentUpstream; h: () => Harness } {
  let up: AgentUpstream | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    up = await startAgentUpstream();
    h = await startHarness({ cache: { enabled: false }, retries: { attempts: 0 }, ...policy }, { openai: { baseUrl: `${up.baseUrl}/v1` }, anthropic: { baseUrl: up.baseUrl } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });
  return { up: () => up!, h: () => h! };
}

const refusals = (h: Harness) => h.proxy.services.ledger.page({}, 50).calls.filter((c) => c.status === 429);

describe('a spent budget ends an agent turn at once', () => {
  // Spent by the first call of each agent (a few cents), for the rest of the day.
  const { up, h } = setup({ budgets: [{ name: 'dev-daily', period: 'day', usd: 0.000001 }] });

  it('Codex (Responses API): 429 with code insufficient_quota and x-should-retry: false; the SDK does not retry', async () => {
    expect((await (await replay(h(), codex[0]!, OPENAI_KEY)).text()).length).toBeGreaterThan(0);
    const before = refusals(h()).length;
    const raw = await replay(h(), codex[1]!, OPENAI_KEY);
    const body = (await raw.json()) as { error: Json };
    expect(raw.status).toBe(429);
    expect(body.error).toMatchObject({ type: 'budget_exceeded', code: 'insufficient_quota' });
    expect(body.error.message).toMatch(/dev-daily.*resets at/);
    expect(raw.headers.get('x-should-retry')).toBe('false');
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(60); // the reset is still named

    // The official SDK (2 retries by default) stops at the first refusal.
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: h().openaiBaseUrl });
    const err = (await client.responses.create({ ...(codex[1]!.body as Json), stream: false } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('insufficient_quota');
    expect(refusals(h()).length - before).toBe(2); // the raw call above and one SDK attempt
    expect(up().requests.filter((r) => r.url.startsWith('/v1/responses'))).toHaveLength(1);
  });

  it('Claude Code (Messages API): 429 rate_limit_error with x-should-retry: false; the SDK does not retry', async () => {
    expect((await replay(h(), claude[1]!, ANTHROPIC_KEY)).status).toBe(429); // the OpenAI call spent the global budget
    const before = refusals(h()).length;
    const client = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: h().anthropicBaseUrl });
    const err = (await client.messages.create({ ...(claude[1]!.body as Json), stream: true } as unknown as Anthropic.MessageCreateParamsStreaming).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(err.message).toMatch(/dev-daily/);
    expect(refusals(h()).length - before).toBe(1);
  });
});

describe('a budget held by calls in flight stays retryable', () => {
  // One Claude Code turn reserves its worst case (64,000 output tokens of its model): more than $1.
  const { up, h } = setup({ budgets: [{ name: 'held', period: 'day', usd: 1 }] });

  it('answers 429 with the short retry-after and without x-should-retry: false', async () => {
    const generating = up().hold(); // the first turn is still streaming when the second comes
    const first = replay(h(), claude[1]!, ANTHROPIC_KEY);
    await generating.started;
    const held = await replay(h(), claude[2]!, ANTHROPIC_KEY);
    const body = (await held.json()) as { error: Json };
    expect(held.status).toBe(429);
    expect(body.error.message).toMatch(/in flight/);
    expect(held.headers.get('retry-after')).toBe(String(IN_FLIGHT_RETRY_S));
    expect(held.headers.get('x-should-retry')).toBeNull();
    generating.release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('event: message_stop');
  });
});

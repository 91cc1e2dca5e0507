/**
 * Claude Code 2.1.197's own requests (fixtures/claude-code-2.1.197.jsonl: a title call and a
 * two-turn agent loop, `POST /v1/messages?beta=true`, streamed) replayed at a real proxy over a fake
 * Anthropic upstream: every call goes through as sent, is in the ledger once with its cache reads and
 * 1-hour cache writes, and is attributed to the agent's user — its `metadata.user_id` is a JSON
 * object in a string (`device_id`, `account_uuid`, `session_id`), older versions a
 * `user_<hash>_account_<uuid>_session_<uuid>` string — never to a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../proxy/src/governance/types';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../../support/harness';
import { ANTHROPIC_USAGE, recorded, startAgentUpstream, type AgentUpstream, type Json, type RecordedRequest } from './agentUpstream';

const KEY = 'sk-ant-api03-agent-test-key';
const calls = recorded('claude-code-2.1.197.jsonl').filter((r) => r.method === 'POST');
const userIdOf = (r: RecordedRequest) => String((r.body?.metadata as Json | undefined)?.user_id);
const sent = JSON.parse(userIdOf(calls[0]!)) as { device_id: string; account_uuid: string; session_id: string };

async function replay(h: Harness, r: RecordedRequest, body: Json | null = r.body): Promise<{ status: number; text: string }> {
  const res = await fetch(`${h.proxy.url}${r.url}`, { method: r.method, headers: { ...r.headers, 'x-api-key': KEY }, body: body ? JSON.stringify(body) : null });
  return { status: res.status, text: await res.text() };
}

function withUserId(r: RecordedRequest, userId: string): Json {
  return { ...r.body, metadata: { user_id: userId } };
}

async function budgets(h: Harness): Promise<BudgetStatus[]> {
  return (await (await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as BudgetStatus[];
}

function setup(policy: PolicyInput): { up: () => AgentUpstream; h: () => Harness } {
  let up: AgentUpstream | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    up = await startAgentUpstream();
    // No cache: each replay is an upstream call with its own bill.
    h = await startHarness({ cache: { enabled: false }, retries: { attempts: 0 }, ...policy }, { anthropic: { baseUrl: up.baseUrl } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });
  return { up: () => up!, h: () => h! };
}

describe('Claude Code through the proxy', () => {
  const deviceBudget = { name: 'device-daily', scope: { user: sent.device_id }, period: 'day' as const, usd: 1000 };
  const { up, h } = setup({ budgets: [deviceBudget] });

  it('relays every call of the loop as the agent sent it, one ledger row each with its cache tokens', async () => {
    for (const r of calls) {
      const res = await replay(h(), r);
      expect(res.status).toBe(200);
      expect(res.text).toContain('event: message_stop');
    }
    const upstream = up().requests;
    expect(upstream.map((r) => r.url)).toEqual(calls.map((r) => r.url)); // `?beta=true` kept
    expect(upstream.map((r) => r.headers['anthropic-beta'])).toEqual(calls.map((r) => r.headers['anthropic-beta']));
    const rows = h().proxy.services.ledger.page({}, 10).calls;
    expect(rows).toHaveLength(calls.length);
    const u = ANTHROPIC_USAGE;
    for (const row of rows) {
      expect(row).toMatchObject({ status: 200, inputTokens: u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens, cachedTokens: u.cache_read_input_tokens, cacheWriteTokens: u.cache_creation_input_tokens, outputTokens: u.output_tokens });
    }
  });

  it("tags each call with the agent's user (its device id without an account), never its session", async () => {
    const rows = h().proxy.services.ledger.page({}, 10).calls;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.tags.user).toBe(sent.device_id);
    // So a per-user budget sees the agent's spend.
    const spent = rows.reduce((s, r) => s + r.costUsd, 0);
    expect(spent).toBeGreaterThan(0);
    const status = (await budgets(h())).find((b) => b.name === deviceBudget.name);
    expect(status?.spentUsd).toBeCloseTo(spent, 9);
  });

  it('reads the account when logged in, and the older user_<hash>_account_<uuid>_session_<uuid> form', async () => {
    const turn = calls[1]!;
    const account = '8f14e45f-ceea-467f-a0e6-b1d0a3c8e2a1';
    const sessions = ['0b6e8d0c-7a37-4c2e-9e1b-3f4a5b6c7d8e', '5d41402a-bc4b-4a76-b971-9d911017c592'];
    const ask = async (userId: string) => {
      expect((await replay(h(), turn, withUserId(turn, userId))).status).toBe(200);
      return h().proxy.services.ledger.page({}, 1).calls[0]!.tags.user;
    };
    expect(await ask(JSON.stringify({ ...sent, account_uuid: account }))).toBe(account);
    // Two sessions of one installation are one user (the old form without an account was a tag as a whole).
    for (const s of sessions) expect(await ask(`user_${sent.device_id}_account__session_${s}`)).toBe(sent.device_id);
    expect(await ask(`user_${sent.device_id}_account_${account}_session_${sessions[0]}`)).toBe(account);
    // Any other user_id is a tag as it is.
    expect(await ask('alice@example.com')).toBe('alice@example.com');
  });
});

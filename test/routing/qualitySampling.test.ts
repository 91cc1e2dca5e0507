/**
 * Quality sampling against the fake provider, through a real proxy: a call routed below large is
 * also sent to the large tier and judged, in the background; both extra calls are ledger rows that
 * count against budgets; GET /tollgate/router/quality shows the loss per route and the drift alarm.
 * The fake echoes the prompt, so a prompt that starts with DISAGREE / AGREE steers the judge's reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { JUDGE_SYSTEM, parseVerdict } from '../../proxy/src/routing/quality/judgePrompt';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    cache: { enabled: false },
    budgets: [{ name: 'all', period: 'day', usd: 100 }],
    routing: {
      router: 'score',
      tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } },
      qualitySampling: { enabled: true, rate: 1, window: 2, alarmLoss: 0.4 },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function chat(content: string, model = 'auto'): Promise<Response> {
  const res = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-tollgate-team': 'search' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await res.json();
  return res;
}

const settled = () => Promise.allSettled([...h.proxy.services.router!.pendingSamples]);
const quality = async () => (await (await fetch(`${h.proxy.url}/tollgate/router/quality`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as { routes: Array<Record<string, unknown>>; alarm: boolean };
const calls = async () => ((await (await fetch(`${h.proxy.url}/tollgate/calls?limit=50`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as { calls: CallRecord[] }).calls;

describe('quality sampling', () => {
  it('the judge prompt is in the repository and its reply is read strictly', () => {
    expect(JUDGE_SYSTEM).toMatch(/AGREE/);
    expect(parseVerdict('AGREE.')).toBe('agree');
    expect(parseVerdict('disagree — A is wrong')).toBe('disagree');
    expect(parseVerdict('maybe')).toBe('unclear');
  });

  it('samples a call routed to small: large-tier call + judge call, recorded, in the ledger, against the budget', async () => {
    const res = await chat('DISAGREE what is the capital of Peru? [[fake:words=40]]');
    expect(res.headers.get('x-tollgate-route')).toMatch(/^small; /);
    await settled();
    const bodies = h.upstream.requests.map((r) => r.body as { model: string; messages: Array<{ role: string; content: string }> });
    expect(bodies.map((b) => b.model)).toEqual(['gpt-4.1-nano', 'gpt-4.1', 'gpt-4.1-nano']);
    expect(bodies[1]!.messages).toEqual(bodies[0]!.messages); // the same request, at the large tier
    expect(bodies[2]!.messages[0]).toEqual({ role: 'system', content: JUDGE_SYSTEM });
    expect(bodies[2]!.messages[1]!.content).toMatch(/^Question:\nDISAGREE what is the capital of Peru\?/);
    // The client's tags travel with the sample; credentials are forwarded, never stored.
    expect(h.upstream.requests[1]!.headers.authorization).toBe('Bearer sk-test');

    const q = await quality();
    expect(q.routes).toEqual([expect.objectContaining({ tier: 'small', model: 'gpt-4.1-nano', samples: 1, judged: 1, agree: 0, loss: 1 })]);
    const rows = await calls();
    expect(rows).toHaveLength(3);
    expect(rows.every((c) => c.tags.team === 'search' && c.costUsd > 0)).toBe(true);
    const sampleCost = rows.filter((c) => !c.route).reduce((s, c) => s + c.costUsd, 0);
    expect(q.routes[0]!.costUsd).toBeCloseTo(sampleCost, 8);
    const budgets = (await (await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as Array<{ name: string; spentUsd: number }>;
    expect(budgets.find((b) => b.name === 'all')!.spentUsd).toBeCloseTo(rows.reduce((s, c) => s + c.costUsd, 0), 8);
  });

  it('agreement lowers the loss; the drift alarm rings when the recent loss passes the bound', async () => {
    await chat('AGREE what is the capital of Chile? [[fake:words=40]]');
    await settled();
    let q = await quality();
    expect(q.routes[0]).toMatchObject({ samples: 2, agree: 1, loss: 0.5, recentLoss: 0.5, alarm: true });
    expect(String(q.routes[0]!.alarmReason)).toMatch(/quality loss 50 % over the last 2 samples exceeds 40 %/);
    await chat('AGREE what is the capital of Bolivia? [[fake:words=40]]');
    await chat('AGREE what is the capital of Ecuador? [[fake:words=40]]');
    await settled();
    q = await quality();
    expect(q.routes[0]).toMatchObject({ samples: 4, agree: 3, recentLoss: 0, alarm: false });
  });

  it('never samples calls routed to large, explicit models, or its own calls', async () => {
    const before = h.upstream.requests.length;
    const hard =
      'Design a multi-region event store for a payments ledger. It must guarantee exactly-once processing, survive the loss of a region ' +
      'without losing acknowledged writes, and keep p99 write latency under 50 ms. Compare consensus-based replication with ' +
      'asynchronous replication plus reconciliation, analyze the failure modes of each, and justify your choice step by step.';
    const res = await chat(hard);
    expect(res.headers.get('x-tollgate-route')).toMatch(/^large; /);
    await chat('plain question', 'gpt-4.1-mini');
    await settled();
    expect(h.upstream.requests.length - before).toBe(2);
  });
});

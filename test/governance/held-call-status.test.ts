/**
 * A budget refusal caused only by calls in flight (`retry-after: 2`) is a short hold, not an
 * exhausted budget: the ledger row says so, and the editor's status bar reads it that way instead
 * of "budget exhausted". A budget full of settled spend still reads as exhausted.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallPage } from '../../contract/api';
import { StatusAlerts } from '../../extension/src/statusBar/alerts';
import { statusView } from '../../extension/src/statusBar/format';
import { Governor, IN_FLIGHT_RETRY_S } from '../../proxy/src/governance/governor';
import { isInFlightHold } from '../../contract/api';
import { startHarness } from '../support/harness';
import { manualClock, policy, tempDb, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const running = { kind: 'running' as const, url: 'http://127.0.0.1:5151', port: 5151, attached: false };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const row = (budget: string | undefined) => ({ status: 429, provider: 'openai', cache: 'miss' as const, errorType: 'budget_exceeded', ...(budget ? { budget } : {}) });

describe('a call held by calls in flight, as the status bar tells it', () => {
  it('the governor marks an in-flight refusal in its summary, and only that one', () => {
    t = tempDb();
    const per = worstCase(MODEL, 1000, 1000);
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: per * 2 }] });
    const g = new Governor(t.open(), () => p, manualClock().now);
    const call = { identity: { keyFingerprint: 'tg_k1' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };
    const a = g.admit(call);
    const b = g.admit(call);
    const held = g.admit(call);
    expect(held).toMatchObject({ decision: 'block', retryAfterSec: IN_FLIGHT_RETRY_S });
    expect(held.summary).toMatch(/^block: daily \d+%/);
    expect(isInFlightHold(held.summary)).toBe(true);
    // The calls settle at their worst case: now the budget is spent, and the refusal says so.
    for (const r of [a, b]) g.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
    const exhausted = g.admit(call);
    expect(exhausted.decision).toBe('block');
    expect(exhausted.retryAfterSec).toBeGreaterThan(IN_FLIGHT_RETRY_S);
    expect(isInFlightHold(exhausted.summary)).toBe(false);
  });

  it('held, then exhausted: the status bar says "held briefly" first and lets a real exhaustion replace it', () => {
    const alerts = new StatusAlerts();
    alerts.onCall(row('block: daily 100% (held: calls in flight)'));
    expect(alerts.top()?.short).toBe('call held briefly');
    expect(alerts.top()?.detail).not.toContain('used up');
    alerts.onCall(row('block: daily 104%'));
    expect(alerts.top()?.short).toBe('budget exhausted');
    // A later hold does not hide the exhaustion.
    alerts.onCall(row('block: daily 104% (held: calls in flight)'));
    expect(alerts.top()?.short).toBe('budget exhausted');
  });

  it('through the proxy: the ledger row of a short refusal does not turn the status bar to "budget exhausted"', async () => {
    const per = worstCase(MODEL, 30, 1000);
    const h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: per * 3 }] });
    try {
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      const slow = Array.from({ length: 3 }, (_, i) =>
        client.chat.completions.create({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: `slow ${i} [[fake:slow=1500]]` }] }),
      );
      // Poll until the slow calls hold the budget and a new call is refused.
      let refused: InstanceType<typeof OpenAI.APIError> | undefined;
      for (let i = 0; i < 100 && !refused; i++) {
        const r = await client.chat.completions.create({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: `now ${i}` }] }).catch((e: unknown) => e);
        if (r instanceof OpenAI.APIError && r.status === 429) refused = r;
        else await new Promise((res) => setTimeout(res, 20));
      }
      expect(refused?.headers?.get('retry-after')).toBe(String(IN_FLIGHT_RETRY_S));
      await Promise.all(slow);

      // What the extension reads: the ledger's rows from the local API, replayed oldest first.
      const res = await fetch(`${h.proxy.url}/tollgate/calls?limit=20`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
      const page = (await res.json()) as CallPage;
      const alerts = new StatusAlerts();
      for (const c of [...page.calls].reverse().filter((c) => c.status === 429)) alerts.onCall(c);
      expect(alerts.top()?.kind).toBe('budget');
      const view = statusView(running, undefined, alerts.all());
      expect(view.text).toContain('call held briefly');
      expect(view.text).not.toContain('budget exhausted');
      expect(view.tooltip).toContain('in flight');
    } finally {
      await h.close();
    }
  }, 30_000);
});

/**
 * The headline's live figures against the proxy's real ledger: real SDK calls through a real proxy,
 * summaries read from its SQLite ledger, live calls as its ledger announces them (what the event
 * stream carries). The case that made the headline lag its own table: a summary read before a call
 * committed, delivered after that call's event (a refresh in flight), must not take the call back out.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../contract/api';
import { LiveTotals } from '../../webview/src/app/liveTotals';
import { startHarness, type Harness } from '../support/harness';

describe('live headline figures', () => {
  let h: Harness;
  let sdk: OpenAI;
  const live: CallRecord[] = [];
  beforeAll(async () => {
    h = await startHarness();
    sdk = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-live-totals', maxRetries: 0 });
    h.proxy.services.ledger.on('call', (c) => live.push(c));
  });
  afterAll(() => h.close());

  const call = async (content: string): Promise<CallRecord> => {
    const n = live.length;
    await sdk.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content }] });
    expect(live.length).toBe(n + 1);
    return live[live.length - 1]!;
  };
  const summary = (to: number) => h.proxy.services.ledger.summary({ from: 0, to });

  it('a summary read before a call committed keeps that call in the figures; a later one counts it once', async () => {
    await call('first call');
    const totals = new LiveTotals();
    const far = Date.now() + 3_600_000; // the window covers every call: only the ledger id tells them apart
    totals.set(summary(far));
    const staleRead = summary(far); // a refresh in flight: read now, delivered after the next call's event
    const second = await call('second call');
    totals.add([second]);
    expect(totals.current!.calls).toBe(2);

    totals.set(staleRead);
    expect(staleRead.totals.calls).toBe(1);
    expect(totals.current!.calls).toBe(2);
    expect(totals.current!.costUsd).toBeCloseTo(summary(far).totals.costUsd, 12);

    const fresh = summary(far);
    totals.set(fresh);
    totals.add([second]); // the same event again (a reconnect) counts once
    expect(totals.current).toEqual({ ...fresh.totals });
    expect(fresh.totals.calls).toBe(2);
  });

  it('a call that started after a summary\'s window is added back by its time, whatever its id', async () => {
    const totals = new LiveTotals();
    const read = summary(Date.now()); // the dashboard's window ends when it asks
    totals.set(read);
    await new Promise((r) => setTimeout(r, 5));
    const third = await call('third call');
    totals.add([third]);
    totals.set({ ...read, lastId: third.id }); // even a newest id that includes it: its ts is outside [from, to)
    expect(totals.current!.calls).toBe(read.totals.calls + 1);
  });

  it('calls outside the range shown are left out', async () => {
    const totals = new LiveTotals();
    totals.set(summary(Date.now() + 3_600_000));
    const before = totals.current!.calls;
    const fourth = await call('fourth call');
    expect(totals.add([fourth], fourth.ts + 1)).toBe(false);
    expect(totals.current!.calls).toBe(before);
  });
});

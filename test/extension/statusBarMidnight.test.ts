/**
 * The status bar's "today" across local midnight: a window left open overnight must not keep
 * showing yesterday's spend as today's until the next call arrives. The proxy is stood in for by a
 * client that answers today's summary from a ledger of (ts, cost) rows; time is faked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SummaryBucket } from '../../contract/api';
import { formatUsd } from '../../contract/format';

const seen = vi.hoisted(() => ({ items: [] as Array<{ text: string }> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({});
  seen.items = record.statusBarItems;
  return vscode;
});

const { CostStatusBar } = await import('../../extension/src/statusBar/statusBar');
type Controller = ConstructorParameters<typeof CostStatusBar>[0];

afterEach(() => {
  vi.useRealTimers();
});

describe('status bar across midnight', () => {
  // failing: how many reads after the first one fail (the proxy busy at midnight): each is tried again, a minute later.
  it.each([0, 2])('re-reads today when the local day turns, %i reads failing first', async (failing) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const evening = new Date(2026, 11, 1, 23, 59, 30).getTime();
    vi.setSystemTime(evening);
    const ledger = [{ ts: evening - 60_000, costUsd: 4.2 }];
    let reads = 0;
    let failed = 0;
    const client = {
      summary: async (q: { from: number }) => {
        if (reads++ > 0 && failed < failing) {
          failed++;
          throw new Error('The operation was aborted due to timeout');
        }
        const rows = ledger.filter((r) => r.ts >= q.from);
        const totals: SummaryBucket = { key: 'total', calls: rows.length, costUsd: rows.reduce((n, r) => n + r.costUsd, 0), savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 };
        return { from: q.from, to: Date.now(), totals, by: [], series: [] };
      },
      calls: async () => ({ calls: [], total: 0 }),
      budgets: async () => [],
    };
    const stateListeners: Array<() => void> = [];
    const none = () => ({ dispose() {} });
    const proxy = {
      state: { kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: false },
      client,
      hasProviderKey: true,
      events: { onCall: none, onBudget: none },
      policyFile: () => undefined,
      output: { warn() {}, info() {} },
      onDidChangeState: (l: () => void) => {
        stateListeners.push(l);
        return none();
      },
    };
    const bar = new CostStatusBar(proxy as unknown as Controller);
    try {
      for (const l of stateListeners) l();
      const item = seen.items.at(-1)!;
      await vi.waitFor(() => expect(item.text).toContain(`${formatUsd(4.2)} today`));
      // No call arrives overnight; the day turns.
      await vi.advanceTimersByTimeAsync(60_000);
      if (failing) {
        expect(item.text).toContain(`${formatUsd(4.2)} today`);
        await vi.advanceTimersByTimeAsync(failing * 60_000);
      }
      await vi.waitFor(() => expect(item.text).toContain(`${formatUsd(0)} today`));
      expect(failed).toBe(failing);
    } finally {
      bar.dispose();
    }
  });
});

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
  it('re-reads today when the local day turns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const evening = new Date(2026, 11, 1, 23, 59, 30).getTime();
    vi.setSystemTime(evening);
    const ledger = [{ ts: evening - 60_000, costUsd: 4.2 }];
    const client = {
      summary: async (q: { from: number }) => {
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
      await vi.waitFor(() => expect(item.text).toContain(`${formatUsd(0)} today`));
    } finally {
      bar.dispose();
    }
  });
});

/**
 * The editor's status bar and budget notifications follow what the budget really is: a warning at
 * a limit a policy edit raised is announced again (a repeat at one limit is not), and after a window
 * reload a budget full only of calls in flight (worst cases reserved, spend below the limit) does
 * not read as used up.
 */
import { describe, expect, it, vi } from 'vitest';
import type { BudgetStatus } from '../../contract/api';
import type { BudgetAlert } from '../../contract/events';

const seen = vi.hoisted(() => ({ messages: [] as string[], items: [] as Array<{ text: string }> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('../extension/support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({});
  seen.messages = record.messages;
  seen.items = record.statusBarItems;
  return vscode;
});

const { CostStatusBar } = await import('../../extension/src/statusBar/statusBar');
type Controller = ConstructorParameters<typeof CostStatusBar>[0];

/** A running proxy as the status bar sees it: its client, its event stream and its state changes. */
function runningBar(budgets: BudgetStatus[] = []) {
  const budgetListeners: Array<(b: BudgetAlert) => void> = [];
  const stateListeners: Array<() => void> = [];
  const none = () => ({ dispose() {} });
  let served = false;
  const client = {
    summary: async () => ({ totals: { key: 'total', calls: 0, costUsd: 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 }, by: [], series: [] }),
    calls: async () => ({ calls: [], total: 0 }),
    budgets: async () => {
      served = true;
      return budgets;
    },
  };
  const proxy = {
    state: { kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: false },
    client,
    hasProviderKey: true,
    events: {
      onCall: none,
      onBudget: (l: (b: BudgetAlert) => void) => {
        budgetListeners.push(l);
        return none();
      },
    },
    policyFile: () => undefined,
    output: { warn() {}, info() {} },
    onDidChangeState: (l: () => void) => {
      stateListeners.push(l);
      return none();
    },
  };
  const bar = new CostStatusBar(proxy as unknown as Controller);
  for (const l of stateListeners) l();
  return { bar, item: seen.items.at(-1)!, emit: (b: BudgetAlert) => {
      for (const l of budgetListeners) l(b);
    }, served: () => served };
}

describe('status bar budgets', () => {
  it('a warning at a raised limit is announced; the same warning twice is not', async () => {
    const { bar, emit } = runningBar();
    try {
      const resetsAt = Date.now() + 3_600_000;
      const warn = (spentUsd: number, limitUsd: number): BudgetAlert => ({ budget: 'daily', level: 'warn', spentUsd, limitUsd, spentTokens: 0, period: 'day', resetsAt });
      const budgetMessages = () => seen.messages.filter((m) => m.includes('daily'));
      emit(warn(8.5, 10));
      emit(warn(8.7, 10));
      await vi.waitFor(() => expect(budgetMessages()).toHaveLength(1));
      // The limit is raised to $20 by a policy edit; the proxy warns again at 80 % of it.
      emit(warn(16.5, 20));
      await vi.waitFor(() => expect(budgetMessages()).toHaveLength(2));
      expect(budgetMessages()[1]).toContain('20');
    } finally {
      bar.dispose();
    }
  });

  const row = (name: string, spentUsd: number, ratio: number): BudgetStatus => ({
    name,
    period: 'day',
    scope: 'global',
    spentUsd,
    limitUsd: 1,
    spentTokens: 0,
    ratio,
    forecastUsd: spentUsd,
    resetsAt: Date.now() + 3_600_000,
  });

  it('after a reload, a budget full only of reservations is not "exhausted"; one full of spend is', async () => {
    // ratio counts the worst cases of calls in flight: 150 % committed, 30 % spent.
    const held = runningBar([row('daily', 0.3, 1.5)]);
    try {
      await vi.waitFor(() => expect(held.served()).toBe(true));
      // The rows are read in the continuation of that call: let it run.
      await new Promise((r) => setImmediate(r));
      expect(held.item.text).toContain('today');
      expect(held.item.text).not.toContain('budget exhausted');
    } finally {
      held.bar.dispose();
    }
    const spent = runningBar([row('daily', 1.02, 1.02)]);
    try {
      await vi.waitFor(() => expect(spent.item.text).toContain('budget exhausted'));
    } finally {
      spent.bar.dispose();
    }
  });
});

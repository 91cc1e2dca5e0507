/**
 * The status bar's budget alert and notifications against the budget's reset: "budget exhausted"
 * ends when the period resets, even with no call after it (a month's reset is further away than one
 * setTimeout can wait); a refusal row from a period that has since reset is not replayed as
 * exhausted after a window reload; an alert about a period already over is not announced.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BudgetStatus, CallRecord } from '../../contract/api';
import type { BudgetAlert } from '../../contract/events';
import { ledgerRow } from '../support/ledgerRow';

const seen = vi.hoisted(() => ({ messages: [] as string[], items: [] as Array<{ text: string }> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('../extension/support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({});
  seen.messages = record.messages;
  seen.items = record.statusBarItems;
  return vscode;
});

const { CostStatusBar } = await import('../../extension/src/statusBar/statusBar');
const { StatusAlerts } = await import('../../extension/src/statusBar/alerts');
type Controller = ConstructorParameters<typeof CostStatusBar>[0];

const DAY = 86_400_000;
afterEach(() => vi.useRealTimers());

function runningBar(opts: { budgets?: BudgetStatus[]; calls?: CallRecord[] } = {}) {
  const budgetListeners: Array<(b: BudgetAlert) => void> = [];
  const stateListeners: Array<() => void> = [];
  const none = () => ({ dispose() {} });
  let served = false;
  const client = {
    summary: async () => ({ totals: { key: 'total', calls: 0, costUsd: 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 }, by: [], series: [] }),
    calls: async () => ({ calls: opts.calls ?? [], total: opts.calls?.length ?? 0 }),
    budgets: async () => {
      served = true;
      return opts.budgets ?? [];
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
  const emit = (b: BudgetAlert) => {
    for (const l of budgetListeners) l(b);
  };
  return { bar, item: seen.items.at(-1)!, emit, served: () => served };
}

const exceeded = (resetsAt: number): BudgetAlert => ({ budget: 'monthly', level: 'exceeded', spentUsd: 10.2, limitUsd: 10, spentTokens: 0, period: 'month', resetsAt });

describe('the budget alert ends at the reset', () => {
  it('StatusAlerts: an exhausted budget is no longer shown once its period has reset', () => {
    const now = Date.UTC(2026, 0, 31, 23, 0);
    const alerts = new StatusAlerts();
    alerts.onBudget(exceeded(Date.UTC(2026, 1, 1)), now);
    expect(alerts.expire(Date.UTC(2026, 1, 1) - 1)).toBe(false);
    expect(alerts.top()?.short).toBe('budget exhausted');
    expect(alerts.expire(Date.UTC(2026, 1, 1))).toBe(true);
    expect(alerts.top()).toBeUndefined();
  });

  it('the status bar drops "budget exhausted" at a reset 40 days away, not before and without a call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1, 12));
    const { bar, item, emit } = runningBar();
    try {
      const resetsAt = Date.now() + 40 * DAY;
      emit(exceeded(resetsAt));
      expect(item.text).toContain('budget exhausted');
      // Past setTimeout's 24.8-day limit: a timer asked for 40 days would have fired at once.
      vi.advanceTimersByTime(39 * DAY);
      expect(item.text).toContain('budget exhausted');
      vi.advanceTimersByTime(DAY + 1000);
      expect(item.text).not.toContain('budget exhausted');
    } finally {
      bar.dispose();
    }
  });
});

describe('after a window reload', () => {
  it('a refusal from yesterday does not read as exhausted when today the budget is fresh', async () => {
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const budget: BudgetStatus = { name: 'daily', period: 'day', scope: 'global', spentUsd: 0, limitUsd: 1, spentTokens: 0, ratio: 0, forecastUsd: 0, periodStart: today, resetsAt: today + DAY };
    const refused = { id: 1, ...ledgerRow({ ts: today - 60_000, status: 429, errorType: 'budget_exceeded', budget: 'block: daily 100%' }) } as CallRecord;
    const { bar, item, served } = runningBar({ budgets: [budget], calls: [refused] });
    try {
      await vi.waitFor(() => expect(served()).toBe(true));
      await new Promise((r) => setImmediate(r));
      expect(item.text).toContain('today');
      expect(item.text).not.toContain('budget exhausted');
    } finally {
      bar.dispose();
    }
    // The same refusal in the current period is still replayed.
    const now = runningBar({ budgets: [{ ...budget, spentUsd: 1.01, ratio: 1.01 }], calls: [{ ...refused, ts: today + 1000 }] });
    try {
      await vi.waitFor(() => expect(now.item.text).toContain('budget exhausted'));
    } finally {
      now.bar.dispose();
    }
  });

  it('a stale refusal row alone is dropped, one of the current period kept', async () => {
    const { fromEndedPeriod } = await import('../../extension/src/statusBar/alerts');
    const budgets = [{ name: 'team', periodStart: 1000 }, { name: 'team a', periodStart: 5000 }];
    const row = (ts: number, budget: string) => ({ ts, status: 429, errorType: 'budget_exceeded', budget });
    expect(fromEndedPeriod(row(999, 'block: team 100%'), budgets)).toBe(true);
    expect(fromEndedPeriod(row(1000, 'block: team 100%'), budgets)).toBe(false);
    // "team a" is the budget named, with its own period.
    expect(fromEndedPeriod(row(4000, 'block: team a 100%'), budgets)).toBe(true);
    expect(fromEndedPeriod(row(999, 'block: rate limit team'), budgets)).toBe(false);
  });
});

describe('notifications', () => {
  it('an alert about a period already over is not announced', async () => {
    const { bar, emit } = runningBar();
    try {
      const before = seen.messages.length;
      emit({ budget: 'late', level: 'warn', spentUsd: 0.9, limitUsd: 1, spentTokens: 0, period: 'day', resetsAt: Date.now() - 5000 });
      emit({ budget: 'late-now', level: 'warn', spentUsd: 0.9, limitUsd: 1, spentTokens: 0, period: 'day', resetsAt: Date.now() + 5000 });
      await new Promise((r) => setImmediate(r));
      const shown = seen.messages.slice(before);
      expect(shown.some((m) => m.includes('"late-now"'))).toBe(true);
      expect(shown.some((m) => m.includes('"late"'))).toBe(false);
    } finally {
      bar.dispose();
    }
  });
});

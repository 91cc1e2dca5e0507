/**
 * What is wrong right now, for the status bar: the things that make calls fail although the proxy
 * itself is healthy (a rejected or missing API key, an exhausted budget or a call briefly held by
 * calls in flight, a policy file with errors), each with the one action that fixes it. Pure (no
 * `vscode`): fed with ledger rows, budget events and policy problems, it answers which alert to
 * show first.
 */
import { isAuthFailure, isBudgetBlock, isInFlightHold, type BudgetStatus, type CallRecord } from '@contract/api';
import type { BudgetAlert } from '../../../webview/src/protocol';
import { formatBudgetPeriod, formatBudgetUse } from '@contract/format';

export type AlertKind = 'policy' | 'auth' | 'budget' | 'no-key';

export interface AlertAction {
  /** The command's title as the palette shows it (without the "Tollgate:" category). */
  title: string;
  command: string;
  args?: unknown[];
}

export interface StatusAlert {
  kind: AlertKind;
  /** A few words for the status bar text. */
  short: string;
  /** One or two sentences for the tooltip and the screen-reader label. */
  detail: string;
  action: AlertAction;
}

/** Most urgent first: a broken policy stops the proxy, a rejected key fails every call, … */
const PRIORITY: AlertKind[] = ['policy', 'auth', 'budget', 'no-key'];

export const SET_KEY: AlertAction = { title: 'Set Provider API Key', command: 'tollgate.setProviderKey' };
export const OPEN_POLICY: AlertAction = { title: 'Open Policy', command: 'tollgate.openPolicy' };
export const OPEN_DASHBOARD: AlertAction = { title: 'Open Cost Dashboard', command: 'tollgate.openDashboard' };

export interface PolicyProblemLike {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** How long "call held briefly" stays without another held call: the hold's retry is 2 s. */
export const HELD_ALERT_MS = 60_000;

export class StatusAlerts {
  private readonly alerts = new Map<AlertKind, StatusAlert>();
  /** The budget alert is a short in-flight hold, which a real exhaustion replaces. */
  private held = false;
  /**
   * When the budget alert goes by itself: its period's reset (from a budget event), so that "budget
   * exhausted" goes away even if no call follows, or the end of a short hold; undefined when an
   * exhausted budget came from a ledger row.
   */
  private budgetUntil: number | undefined;

  /** The alert to show, or undefined when all is well. */
  top(): StatusAlert | undefined {
    return this.all()[0];
  }

  /** Every current alert, most urgent first. */
  all(): StatusAlert[] {
    return PRIORITY.map((k) => this.alerts.get(k)).filter((a): a is StatusAlert => a !== undefined);
  }

  /** Drops a budget alert whose period has reset, or whose hold has passed, by `now`; returns whether the alerts changed. */
  expire(now = Date.now()): boolean {
    if (this.budgetUntil === undefined || this.budgetUntil > now || !this.alerts.has('budget')) return false;
    this.clearBudget();
    return true;
  }

  /** When the current budget alert expires by itself (its budget resets), if it does. */
  expiresAt(): number | undefined {
    return this.alerts.has('budget') ? this.budgetUntil : undefined;
  }

  private clearBudget(): void {
    this.alerts.delete('budget');
    this.held = false;
    this.budgetUntil = undefined;
  }

  /** A ledger row arrived (live, or replayed after a reload: `ts` dates it); returns whether the alerts changed. */
  onCall(c: Pick<CallRecord, 'status' | 'errorType' | 'budget' | 'provider' | 'cache'> & { ts?: number }, now = Date.now()): boolean {
    const before = this.signature();
    if (isAuthFailure(c)) {
      const who = providerLabel(c.provider);
      this.alerts.set('auth', {
        kind: 'auth',
        short: `${who} key rejected`,
        detail: `${who} answered ${c.status}${c.errorType ? ` ${c.errorType}` : ''}: the API key is missing or invalid, so calls fail. Store a key with "Set Provider API Key", or send one from your app.`,
        action: SET_KEY,
      });
    } else if (isBudgetBlock(c)) {
      const current = this.alerts.get('budget');
      if (isInFlightHold(c.budget)) {
        // The budget is full only with the worst cases of calls still running: the call was held
        // (429, retry-after 2 s) and goes through once they settle. Never hides an exhausted budget.
        if (!current || this.held) {
          this.alerts.set('budget', {
            kind: 'budget',
            short: 'call held briefly',
            detail: `A budget is fully committed by calls still in flight, so Tollgate held a call back with a 429 and "retry in 2 s"; it goes through once they finish (${c.budget}). The budget is not exhausted.`,
            action: OPEN_DASHBOARD,
          });
          this.held = true;
          // A hold lasts seconds: it goes by itself even if the app gave up or its retry was a cache
          // hit (no admitted call clears it), and a replayed row of an old hold shows nothing.
          this.budgetUntil = Math.min(c.ts ?? now, now) + HELD_ALERT_MS;
        }
      } else if (!current || this.held) {
        this.alerts.set('budget', {
          kind: 'budget',
          short: 'budget exhausted',
          detail: `A budget is used up, so Tollgate answers 429 instead of forwarding calls${c.budget ? ` (${c.budget})` : ''}.`,
          action: OPEN_DASHBOARD,
        });
        this.held = false;
        this.budgetUntil = undefined;
      }
    } else if (c.status < 400 && (c.cache === 'miss' || c.cache === 'bypass')) {
      // The provider accepted a key and admitted the call: no key problem, no budget block.
      this.alerts.delete('auth');
      this.alerts.delete('no-key');
      this.clearBudget();
    }
    return this.signature() !== before;
  }

  onBudget(b: BudgetAlert, now = Date.now()): boolean {
    if (b.level !== 'exceeded' || b.resetsAt <= now) return false;
    const before = this.signature();
    this.held = false;
    this.budgetUntil = b.resetsAt;
    this.alerts.set('budget', {
      kind: 'budget',
      short: 'budget exhausted',
      // Both figures for a budget with both limits: the token limit may be the one used up.
      detail: `Budget "${b.budget}" is used up: ${formatBudgetUse(b)} ${formatBudgetPeriod(b.period)}; calls it covers are refused until ${new Date(b.resetsAt).toLocaleString()}.`,
      action: OPEN_DASHBOARD,
    });
    return this.signature() !== before;
  }

  /** No key in SecretStorage nor in the proxy's environment: apps must send their own. */
  setNoKey(missing: boolean): boolean {
    const before = this.signature();
    if (missing) {
      this.alerts.set('no-key', {
        kind: 'no-key',
        short: 'no API key',
        detail: 'No provider API key is configured, so calls that do not carry their own key will be refused by the provider.',
        action: SET_KEY,
      });
    } else this.alerts.delete('no-key');
    return this.signature() !== before;
  }

  setPolicyProblems(problems: readonly PolicyProblemLike[], fileLabel: string): boolean {
    const before = this.signature();
    const first = problems[0];
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      this.alerts.set('policy', {
        kind: 'policy',
        short: 'policy error',
        detail: `${fileLabel} line ${first.line}, column ${first.column}: ${first.message}${more}.`,
        action: OPEN_POLICY,
      });
    } else this.alerts.delete('policy');
    return this.signature() !== before;
  }

  private signature(): string {
    return this.all()
      .map((a) => `${a.kind}:${a.detail}`)
      .join('|');
  }
}

/**
 * A budget row whose settled spend reached a limit, from the figures rather than `ratio` (older
 * proxies counted the worst cases of calls in flight in it; those settle lower within seconds, and a
 * budget full only of them holds calls briefly, it is not used up) — the rule of the budget events.
 */
export function isSpentOut(b: Pick<BudgetStatus, 'spentUsd' | 'limitUsd' | 'spentTokens' | 'limitTokens'>): boolean {
  return (b.limitUsd !== undefined && b.spentUsd >= b.limitUsd) || (b.limitTokens !== undefined && b.spentTokens >= b.limitTokens);
}

/**
 * True for a ledger row of a budget refusal from a period of its budget that has since reset (the
 * row's budget text names the budget: "block: <name> …"). Replayed after a window reload, such a row
 * would say "budget exhausted" about a budget that is fresh again.
 */
export function fromEndedPeriod(c: Pick<CallRecord, 'ts' | 'status' | 'errorType' | 'budget'>, budgets: readonly Pick<BudgetStatus, 'name' | 'periodStart'>[]): boolean {
  if (!isBudgetBlock(c) || c.budget === undefined) return false;
  const text = c.budget;
  // The longest name that heads the text: "team a" over "team" when both exist.
  const named = budgets.filter((b) => text.startsWith(`block: ${b.name} `)).sort((a, b) => b.name.length - a.name.length)[0];
  return named?.periodStart !== undefined && c.ts < named.periodStart;
}

function providerLabel(provider: string): string {
  if (provider === 'openai') return 'OpenAI';
  if (provider === 'anthropic') return 'Anthropic';
  return provider ? provider[0]!.toUpperCase() + provider.slice(1) : 'The provider';
}

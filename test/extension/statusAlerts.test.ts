/**
 * The status bar's warning state: failures the user can fix (rejected or missing key, exhausted
 * budget, policy errors) turn it to a warning whose click is the fixing command, and what a screen
 * reader hears is words, never codicon names.
 */
import { describe, expect, it } from 'vitest';
import { isBudgetBlock } from '../../contract/api';
import { StatusAlerts } from '../../extension/src/statusBar/alerts';
import { formatUsd } from '../../contract/format';
import { statusView, withoutIcons } from '../../extension/src/statusBar/format';

const running = { kind: 'running' as const, url: 'http://127.0.0.1:5151', port: 5151, attached: false };
const today = { key: 'all', calls: 3, costUsd: 0.000686, savedUsd: 0, inputTokens: 90, outputTokens: 30, hits: 0 };
const row = (status: number, extra: { errorType?: string; budget?: string; cache?: 'miss' | 'exact' | 'semantic' | 'bypass' } = {}) => ({
  status,
  provider: 'openai',
  cache: extra.cache ?? ('miss' as const),
  ...(extra.errorType ? { errorType: extra.errorType } : {}),
  ...(extra.budget ? { budget: extra.budget } : {}),
});

describe('status alerts', () => {
  it('a 401 turns the running status bar to a warning whose click is "Set Provider API Key"', () => {
    const alerts = new StatusAlerts();
    expect(alerts.onCall(row(401, { errorType: 'invalid_request_error' }))).toBe(true);
    const v = statusView(running, today, alerts.all());
    expect(v.tone).toBe('warning');
    expect(v.text).toContain('$(warning)');
    expect(v.text).toContain(`Tollgate ${formatUsd(today.costUsd)} today`);
    expect(v.text).toContain('OpenAI key rejected');
    expect(v.action).toEqual({ title: 'Set Provider API Key', command: 'tollgate.setProviderKey' });
    expect(v.tooltip).toContain('401');
    expect(v.ariaLabel).toContain('Set Provider API Key');
    expect(v.ariaLabel).not.toMatch(/\$\(|pass-filled|warning\)/);
  });

  it('a successful upstream call clears the key and budget warnings; a cache hit proves nothing', () => {
    const alerts = new StatusAlerts();
    alerts.onCall(row(401));
    alerts.setNoKey(true);
    expect(alerts.onCall(row(200, { cache: 'exact' }))).toBe(false);
    expect(alerts.top()?.kind).toBe('auth');
    expect(alerts.onCall(row(200))).toBe(true);
    expect(alerts.top()).toBeUndefined();
    expect(statusView(running, today, alerts.all()).tone).toBeUndefined();
  });

  it('budget blocks are told apart from provider rate limits', () => {
    expect(isBudgetBlock(row(429, { errorType: 'budget_exceeded' }))).toBe(true);
    expect(isBudgetBlock(row(429, { errorType: 'rate_limit_error', budget: 'block: daily 104%' }))).toBe(true);
    expect(isBudgetBlock(row(429, { errorType: 'rate_limit_error' }))).toBe(false);
    // A Tollgate rate-limit refusal is not a budget block, in today's rows and in older Anthropic ones.
    expect(isBudgetBlock(row(429, { errorType: 'rate_limit_exceeded', budget: 'block: rate limit rpm' }))).toBe(false);
    expect(isBudgetBlock(row(429, { errorType: 'rate_limit_error', budget: 'block: rate limit rpm' }))).toBe(false);
    const alerts = new StatusAlerts();
    alerts.onCall(row(429, { errorType: 'rate_limit_error' }));
    expect(alerts.top()).toBeUndefined();
    alerts.onCall(row(429, { errorType: 'budget_exceeded', budget: 'block: daily 104%' }));
    expect(alerts.top()).toMatchObject({ kind: 'budget', action: { command: 'tollgate.openDashboard' } });
  });

  it('an exceeded budget event shows its own figures; a past period does not', () => {
    const alerts = new StatusAlerts();
    const now = Date.UTC(2026, 0, 1, 12);
    expect(alerts.onBudget({ budget: 'daily', level: 'exceeded', spentUsd: 0.000686, limitUsd: 0.0005, spentTokens: 0, period: 'day', resetsAt: now - 1 }, now)).toBe(false);
    expect(alerts.onBudget({ budget: 'daily', level: 'warn', spentUsd: 0.0004, limitUsd: 0.0005, spentTokens: 0, period: 'day', resetsAt: now + 1000 }, now)).toBe(false);
    expect(alerts.onBudget({ budget: 'daily', level: 'exceeded', spentUsd: 0.000686, limitUsd: 0.0005, spentTokens: 0, period: 'day', resetsAt: now + 1000 }, now)).toBe(true);
    expect(alerts.top()!.detail).toContain(`${formatUsd(0.000686)} of ${formatUsd(0.0005)}`);
  });

  it('most urgent first: policy, then a rejected key, then a budget, then a missing key', () => {
    const alerts = new StatusAlerts();
    alerts.setNoKey(true);
    expect(alerts.top()?.kind).toBe('no-key');
    alerts.onCall(row(429, { errorType: 'budget_exceeded' }));
    expect(alerts.top()?.kind).toBe('budget');
    alerts.onCall(row(403));
    expect(alerts.top()?.kind).toBe('auth');
    alerts.setPolicyProblems([{ file: '/w/.tollgate/policy.yaml', line: 7, column: 10, message: 'Invalid input: expected number, received string' }], '.tollgate/policy.yaml');
    expect(alerts.top()).toMatchObject({ kind: 'policy', action: { command: 'tollgate.openPolicy' } });
    expect(alerts.top()!.detail).toContain('line 7, column 10');
    expect(alerts.all().map((a) => a.kind)).toEqual(['policy', 'auth', 'budget', 'no-key']);
    alerts.setPolicyProblems([], '.tollgate/policy.yaml');
    expect(alerts.top()?.kind).toBe('auth');
  });

  it('no key at start: a warning with "Set Provider API Key", before any call was made', () => {
    const alerts = new StatusAlerts();
    alerts.setNoKey(true);
    const v = statusView(running, undefined, alerts.all());
    expect(v.tone).toBe('warning');
    expect(v.text).toContain('no API key');
    expect(v.action?.command).toBe('tollgate.setProviderKey');
  });

  it('a proxy refused for its policy offers "Open Policy" at the problem', () => {
    const alerts = new StatusAlerts();
    alerts.setPolicyProblems([{ file: '/w/.tollgate/policy.yaml', line: 12, column: 12, message: 'expected number' }], '.tollgate/policy.yaml');
    const v = statusView({ kind: 'failed', reason: 'bad-policy', message: 'The policy file has errors.' }, undefined, alerts.all());
    expect(v.tone).toBe('error');
    expect(v.text).toContain('policy error');
    expect(v.action?.command).toBe('tollgate.openPolicy');
    expect(v.ariaLabel).toContain('line 12');
  });
});

describe('screen-reader labels', () => {
  it('never read codicon names, in any state', () => {
    const states = [
      { kind: 'stopped' as const },
      { kind: 'starting' as const },
      { kind: 'restarting' as const, inMs: 1000, attempt: 2, reason: 'crashed' },
      { kind: 'failed' as const, reason: 'crashed' as const, message: 'It keeps stopping.' },
      running,
    ];
    for (const s of states) {
      const v = statusView(s, today);
      expect(v.ariaLabel, s.kind).not.toMatch(/\$\(|pass-filled|circle-slash|loading~spin|error\)/);
      expect(v.ariaLabel.length, s.kind).toBeGreaterThan(5);
    }
    expect(statusView(running, today).ariaLabel).toContain(`${formatUsd(today.costUsd)} spent today`);
    expect(withoutIcons('$(pass-filled) Tollgate $0.01 today · 25% cached')).toBe('Tollgate $0.01 today · 25% cached');
  });
});

/**
 * The contract shared by the proxy, the extension and the webview: one formatter per fact, budget
 * alerts that make sense for token-only budgets, and API facts both ends agree on.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARY_DIMENSIONS, toQueryString } from '../../contract/api';
import { parseLiveEvent } from '../../contract/events';
import { budgetAlertText, budgetPercent, budgetRatio, formatBudgetUse, formatPercent, formatTokenUse, formatUsd } from '../../contract/format';
import { EXIT_CODES } from '../../contract/process';
import { formatUsd as governanceUsd } from '../../proxy/src/governance/format';
import { formatUsd as webviewUsd } from '../../webview/src/format';

describe('one USD formatter', () => {
  it('the status bar, the dashboard and the proxy messages print the same amount the same way', () => {
    for (const v of [0, 0.0000069, 0.000123, 0.0049, 0.05, 0.1234, 7.125, 1234.5]) {
      expect(webviewUsd(v)).toBe(formatUsd(v));
      expect(governanceUsd(v)).toBe(formatUsd(v));
    }
  });
});

describe('budget alerts', () => {
  it('a token-only budget speaks in tokens, never "of $0.00" or "of –"', () => {
    const text = budgetAlertText({ budget: 'tokens-daily', level: 'warn', spentUsd: 0.42, spentTokens: 41_000, limitTokens: 50_000, period: 'day' });
    expect(text).toBe('Budget "tokens-daily" at 82%: 41k of 50k tokens today.');
    expect(text).not.toMatch(/\$0\.00|of –|of \$0\b/);
  });

  it('a dollar budget shows dollars and the share of its limit', () => {
    expect(budgetAlertText({ budget: 'usd', level: 'exceeded', spentUsd: 5.2, limitUsd: 5, spentTokens: 1, period: 'month' })).toBe(
      'Budget "usd" exceeded: $5.20 of $5.00 this month.',
    );
    expect(formatBudgetUse({ spentUsd: 1, limitUsd: 4, spentTokens: 2000, limitTokens: 4000 })).toBe('$1.00 of $4.00, 2000 of 4000 tokens');
  });

  it('a token budget reads both figures in one unit, its period as people say it', () => {
    // Was "8500 of 10.0k tokens this day": two units in one phrase, and no one says "this day".
    expect(budgetAlertText({ budget: 'd', level: 'warn', spentUsd: 0, spentTokens: 8500, limitTokens: 10_000, period: 'day' })).toBe(
      'Budget "d" at 85%: 8.5k of 10k tokens today.',
    );
    expect(budgetAlertText({ budget: 'w', level: 'exceeded', spentUsd: 0, spentTokens: 2_100_000, limitTokens: 2_000_000, period: 'week' })).toBe(
      'Budget "w" exceeded: 2.1M of 2M tokens this week.',
    );
    expect(formatBudgetUse({ spentUsd: 1, limitUsd: 10, spentTokens: 95_000, limitTokens: 100_000 })).toBe('$1.00 of $10.00, 95k of 100k tokens');
    // Unused, barely used, and just short of the limit: each reads as what it is, not "0k" or "10k of 10k".
    expect([0, 12, 9_990, 10_000, 10_040].map((n) => formatTokenUse(n, 10_000))).toEqual([
      '0 of 10k tokens',
      '<0.1k of 10k tokens',
      '9.99k of 10k tokens',
      '10k of 10k tokens',
      '10.04k of 10k tokens',
    ]);
  });

  it('a dollar budget just short of (or past) its limit never reads "$10.00 of $10.00"', () => {
    // Was "$10.00 of $10.00" for $9.996 of $10, and "$5,000 of $5,000" / "$1000.00 of $1,000" just short of a large limit.
    const use = (spentUsd: number, limitUsd: number) => formatBudgetUse({ spentUsd, limitUsd, spentTokens: 0 });
    const cases: [number, number][] = [
      [9.996, 10],
      [9.9996, 10],
      [10, 10],
      [10.004, 10],
      [9.99, 10],
      [4999.6, 5000],
      [999.996, 1000],
    ];
    expect(cases.map(([spent, limit]) => use(spent, limit))).toEqual([
      '$9.996 of $10.00',
      '$9.9996 of $10.00',
      '$10.00 of $10.00',
      '$10.004 of $10.00',
      '$9.99 of $10.00',
      '$4,999.6 of $5,000',
      '$999.996 of $1,000',
    ]);
  });

  it('the warn alert rounds its share down below the limit, as the dashboard gauge does', () => {
    // Was "at 100%" for 99.6 %, while the budget was not full and the gauge read 99%.
    const warn = (spentUsd: number) => budgetAlertText({ budget: 'b', level: 'warn', spentUsd, limitUsd: 10, spentTokens: 0, period: 'day' });
    expect(warn(9.96)).toBe('Budget "b" at 99%: $9.96 of $10.00 today.');
    expect(warn(9.996)).toBe('Budget "b" at 99%: $9.996 of $10.00 today.');
    // 0.29 * 100 is 28.999…: still 29 %, and a worst case past the limit still reads over it.
    expect(warn(2.9)).toBe('Budget "b" at 29%: $2.90 of $10.00 today.');
    expect(warn(10.06)).toBe('Budget "b" at 101%: $10.06 of $10.00 today.');
    expect([0.996, 0.29, 1, 1.006].map(budgetPercent)).toEqual([99, 29, 100, 101]);
  });

  it('a limit of 0 freezes its scope: the budget reads full, in dollars and in tokens, not "0%"', () => {
    // Was 0 (a falsy limit read as no limit), so a frozen scope's alert said "at 0%".
    const frozen = [
      { spentUsd: 0, limitUsd: 0, spentTokens: 0 },
      { spentUsd: 0.25, limitUsd: 0, spentTokens: 900 },
      { spentUsd: 0.25, spentTokens: 0, limitTokens: 0 },
      { spentUsd: 0, spentTokens: 0, limitUsd: 0, limitTokens: 0 },
    ];
    expect(frozen.map((b) => formatPercent(budgetRatio(b)))).toEqual(['100%', '100%', '100%', '100%']);
    // The other limit still counts when it is the tighter one; a budget without limits is unused.
    expect(budgetRatio({ spentUsd: 0, limitUsd: 0, spentTokens: 3000, limitTokens: 1000 })).toBe(3);
    expect(budgetRatio({ spentUsd: 1, limitUsd: 4, spentTokens: 9, limitTokens: 0 })).toBe(1);
    expect(budgetRatio({ spentUsd: 1, spentTokens: 9 })).toBe(0);
    expect(budgetAlertText({ budget: 'frozen', level: 'warn', spentUsd: 0, spentTokens: 0, limitTokens: 0, period: 'day' })).toBe(
      'Budget "frozen" at 100%: 0 of 0 tokens today.',
    );
  });
});

describe('API facts', () => {
  it('the summary can be grouped by endpoint (the proxy had it, the clients did not)', () => {
    expect(SUMMARY_DIMENSIONS).toContain('endpoint');
    expect(toQueryString({ by: 'endpoint', model: undefined, limit: 5 })).toBe('?by=endpoint&limit=5');
  });

  it('exit codes are distinct: the supervisor tells each case apart by its number alone', () => {
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(Object.keys(EXIT_CODES).length);
  });

  it('live events parse to their typed payloads; unknown names and bad JSON are dropped', () => {
    expect(parseLiveEvent('budget', '{"budget":"b","level":"warn"}')).toEqual({ event: 'budget', data: { budget: 'b', level: 'warn' } });
    expect(parseLiveEvent('nope', '{}')).toBeUndefined();
    expect(parseLiveEvent('call', '{oops')).toBeUndefined();
  });
});

describe('one default model', () => {
  it('`tollgate lint` and the editor CodeLens price a file that names no model at the same model', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_MODEL } = await import('../../proxy/src/analysis/index');
    const { lintCommand } = await import('../../proxy/src/cli/lint');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const editorDefault = pkg.contributes.configuration.properties['tollgate.defaultModel']!.default;
    expect(DEFAULT_MODEL).toBe(editorDefault);
    const cliDefault = lintCommand().options.find((o) => o.long === '--default-model')!.defaultValue;
    expect(cliDefault).toBe(editorDefault);
  });
});

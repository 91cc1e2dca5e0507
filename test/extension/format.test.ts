/** Status bar and CodeLens text: pure functions, checked against values computed independently. */
import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../contract/format';
import { hitRate, localMidnight, statusView } from '../../extension/src/statusBar/format';
import { breakdownMarkdown, lensTitle } from '../../extension/src/lens/lensTitle';
import type { CostLens } from '../../proxy/src/analysis/types';
import { analyzeFile } from '../../proxy/src/analysis/index';

describe('formatUsd', () => {
  it('shows cents from one cent up and two significant digits below, never exponent notation', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.0000069)).toBe('$0.0000069');
    expect(formatUsd(0.00123)).toBe('$0.0012');
    expect(formatUsd(6.9e-9)).toBe('$0.0000000069');
    expect(formatUsd(1234.5)).toBe('$1,235');
    expect(formatUsd(-0.5)).toBe('-$0.50');
  });

  it('an amount that rounds up across a format boundary reads like its rounded value', () => {
    expect(formatUsd(999.996)).toBe('$1,000');
    expect(formatUsd(-999.996)).toBe('-$1,000');
    expect(formatUsd(999.99)).toBe('$999.99');
    expect(formatUsd(0.0099996)).toBe('$0.01');
    expect(formatUsd(0.00099996)).toBe('$0.0010');
    // Every boundary: $1,000, one cent, and each power of ten below a cent (one more digit each).
    for (const k of [3, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11]) {
      const edge = Number(`1e${k}`);
      const below = edge * (1 - 1e-6);
      expect(formatUsd(below), String(below)).toBe(formatUsd(edge));
      expect(formatUsd(-below), String(-below)).toBe(`-${formatUsd(edge)}`);
    }
  });

  it('round-trips: the printed figure is within rounding of the value', () => {
    for (const v of [0.000012345, 0.0049, 0.37, 7.125, 99.99]) {
      const printed = Number(formatUsd(v).replace(/[$,]/g, ''));
      expect(Math.abs(printed - v) / v).toBeLessThan(0.05);
    }
  });
});

describe('status bar view', () => {
  const today = { key: 'all', calls: 4, costUsd: 0.0123, savedUsd: 0.004, inputTokens: 100, outputTokens: 50, hits: 1 };

  it('running: today spend and cache hit rate', () => {
    const v = statusView({ kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: false }, today);
    expect(v.text).toContain(`Tollgate ${formatUsd(0.0123)} today`);
    expect(v.text).toContain('25% cached');
    expect(v.tooltip).toContain('http://127.0.0.1:4141/v1');
    expect(v.tone).toBeUndefined();
  });

  it('a process on the port that cannot prove it is ours: a warning, no spend and no base URL to point apps at', () => {
    const v = statusView({ kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: true, verified: false });
    expect(v.text).toContain('4141');
    expect(v.text).not.toContain('today');
    expect(v.tooltip).toContain('cannot prove it is your Tollgate proxy');
    expect(v.tooltip).not.toContain('/v1');
    expect(v.tone).toBe('warning');
    expect(v.action).toEqual({ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['tollgate.proxy.port'] });
    // Another window's proxy that proved it holds the token is the user's own.
    expect(statusView({ kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: true, verified: true }, today).text).toContain('today');
  });

  it('a busy day’s call count reads with thousands separators, as the dashboard writes it', () => {
    const v = statusView({ kind: 'running', url: 'http://127.0.0.1:4141', port: 4141, attached: false }, { ...today, calls: 123_456, hits: 61_728 });
    expect(v.tooltip).toContain('Today: 123,456 calls,');
  });

  it('failed and restarting states are coloured and explain themselves', () => {
    const f = statusView({ kind: 'failed', reason: 'port-in-use', message: 'Port 4141 is in use by another program.' });
    expect(f.tone).toBe('error');
    expect(f.tooltip).toContain('Port 4141 is in use');
    const r = statusView({ kind: 'restarting', inMs: 2000, attempt: 2, reason: 'exited with code 1' });
    expect(r.tone).toBe('warning');
    expect(r.tooltip).toContain('exited with code 1');
  });

  it('hit rate is undefined without calls', () => {
    expect(hitRate({ calls: 0, hits: 0 })).toBeUndefined();
    expect(hitRate({ calls: 8, hits: 2 })).toBe(0.25);
  });

  it('local midnight is today at 00:00 local time', () => {
    const now = new Date(2026, 10, 23, 15, 42, 7).getTime();
    const m = new Date(localMidnight(now));
    expect([m.getFullYear(), m.getMonth(), m.getDate(), m.getHours(), m.getMinutes()]).toEqual([2026, 10, 23, 0, 0]);
  });
});

describe('CodeLens title and breakdown (from a real analysis)', () => {
  it('shows the tokens and $ of the analysed prompt, and the breakdown lists every message and comparison model', async () => {
    const text = '---\nmodel: gpt-4o-mini\n---\nSummarize the ticket below in three bullet points.\n\n{{ticket}}\n';
    const analysis = await analyzeFile({ path: '/w/prompts/t.prompt.md', text, languageId: 'prompt' }, { comparisonModels: ['gpt-4.1'] });
    const lens = analysis.calls[0] as CostLens;
    expect(lens).toBeDefined();
    const title = lensTitle(lens);
    expect(title).toContain(`${lens.inputTokens} tokens`);
    expect(title).toContain(`${formatUsd(lens.inputUsd)}/call`);
    expect(title).toContain(`${formatUsd(lens.inputUsd * 1000)} per 1k calls`);
    expect(title).toContain('gpt-4o-mini');
    const md = breakdownMarkdown(lens, 'prompts/t.prompt.md');
    for (const m of lens.perMessage) expect(md).toContain(`| ${m.role} | ${m.tokens} |`);
    for (const c of lens.comparisons) expect(md).toContain(`| ${c.model} | ${formatUsd(c.usd)} |`);
  });
});

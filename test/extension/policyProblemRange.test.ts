/** Policy problems land on the line and column the proxy's parser reports. */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { problemRange } from '../../extension/src/policy/problemRange';

describe('policy problem ranges', () => {
  it('marks the offending value of "usd: ten dollars" on its own line', () => {
    const text = ['version: 1', 'budgets:', '  - name: daily', '    period: day', '    usd: ten dollars', ''].join('\n');
    const result = parsePolicy(text, '/w/.tollgate/policy.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const p = result.problems[0]!;
    expect(p.line).toBe(5);
    const r = problemRange(p, text.split('\n'));
    expect(r.line).toBe(4);
    const marked = text.split('\n')[4]!.slice(r.start, r.end);
    expect(marked).toContain('ten dollars');
  });

  it('stays inside the document for positions past its end, and is never empty', () => {
    const r = problemRange({ line: 40, column: 99 }, ['a: 1', 'b: 2']);
    expect(r.line).toBe(1);
    expect(r.end).toBeGreaterThan(r.start);
    expect(problemRange({ line: 1, column: 1 }, [])).toEqual({ line: 0, start: 0, end: 1 });
  });

  it('skips indentation and a trailing comment', () => {
    expect(problemRange({ line: 1, column: 1 }, ['    usd: ten # dollars'])).toEqual({ line: 0, start: 4, end: 12 });
  });
});

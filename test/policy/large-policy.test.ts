/**
 * A large policy is read in time linear in its size: findings found after parsing (warnings, trust
 * problems) are all located from one parse of the file. Located one by one, each parsed the whole
 * file again, so a policy with a thousand rules that never apply took minutes to load or reload.
 * Counted, not timed: yaml's parseDocument is wrapped to count how often the text is parsed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const parses = vi.hoisted(() => ({ n: 0 }));
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => {
      parses.n++;
      return yaml.parseDocument(...args);
    },
  };
});

const { parsePolicy, locateAll } = await import('../../proxy/src/policy/load');
const { locatedWarnings } = await import('../../proxy/src/policy/warnings');

afterEach(() => {
  parses.n = 0;
});

/** `n` rules for the same feature: each after the first never applies (a warning at its name's line). */
function shadowedRules(n: number): { text: string; nameLines: number[] } {
  const lines = ['routing:', '  rules:'];
  const nameLines: number[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`    - name: r${i}`);
    nameLines.push(lines.length);
    lines.push('      match: { feature: search }', '      tier: small');
  }
  return { text: `${lines.join('\n')}\n`, nameLines };
}

describe('a policy of many settings', () => {
  it('locates every warning at its own line from one parse of the file', () => {
    const { text, nameLines } = shadowedRules(300);
    const r = parsePolicy(text, 'policy.yaml');
    if (!r.ok) throw new Error(r.problems[0]?.message);
    parses.n = 0;
    const warnings = locatedWarnings(r.policy, text, 'policy.yaml');
    expect(parses.n).toBe(1);
    expect(warnings).toHaveLength(299);
    expect(warnings.map((w) => [w.line, w.column, w.path])).toEqual(nameLines.slice(1).map((line, i) => [line, 13, `routing.rules.${i + 1}.name`]));
  });

  it('locates paths with list indexes and keys that look like numbers alike, in file order', () => {
    const text = 'server:\n  allowedOrigins:\n    - https://a.example\n    - https://b.example\nrouting:\n  rules:\n    - name: x\n      match: { header: { "429": yes } }\n';
    const found = locateAll(text, 'p.yaml', [
      { path: 'routing.rules.0.match.header.429', message: 'c' },
      { path: 'server.allowedOrigins.1', message: 'b' },
      { path: 'server.nothing.here', message: 'a' },
      { path: '', message: 'top' },
    ]);
    expect(parses.n).toBe(1);
    expect(found.map((f) => [f.line, f.column, f.message])).toEqual([
      [1, 1, 'top'],
      [2, 3, 'a'],
      [4, 7, 'b'],
      [8, 33, 'c'],
    ]);
  });
});

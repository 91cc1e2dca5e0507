/**
 * Policies as they arrive from elsewhere: YAML pasted from a web page, a chat or a word processor
 * (no-break and zero-width spaces, typographic quotes, a full-width space from a Japanese or Chinese
 * IME), a file Windows PowerShell wrote (`… > policy.yaml` and `Out-File` write UTF-16 with a
 * byte-order mark), a file cut by a crash (NUL bytes). Each is read as meant, or refused at its
 * line with what to change — never YAML's "Implicit keys need to be on a single line", never a rule
 * that silently never matches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';
import { PolicyStore } from '../../proxy/src/policy/store';

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'policy.yaml');
  return r.ok ? [] : r.problems;
}

const budget = (period: string) => `budgets:\n  - name: team\n    period:${period}\n    usd: 5\n`;

describe('characters that look like spaces or quotes', () => {
  it.each([
    ['a no-break space after a colon (pasted from a web page)', budget('\u00a0day'), 3, 12, 'U+00A0'],
    ['a full-width space after a colon (IME)', budget('\u3000day'), 3, 12, 'U+3000'],
    ['a no-break space as indentation', 'budgets:\n\u00a0 - name: team\n    period: day\n    usd: 5\n', 2, 1, 'U+00A0'],
    ['a narrow no-break space', budget('\u202fday'), 3, 12, 'U+202F'],
  ])('%s is named at its line and column', (_name, text, line, column, code) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, column });
    expect(found[0]?.message).toContain(code);
    expect(found[0]?.message).toContain('plain space');
  });

  it.each([
    ['a model in typographic quotes', 'routing:\n  rules:\n    - name: r\n      model: \u201cgpt-4o\u201d\n', 4, 14, 'typographic quote'],
    ['a feature tag ending in a zero-width space', 'routing:\n  rules:\n    - name: r\n      match: { feature: search\u200b }\n      tier: large\n', 4, 31, 'U+200B'],
    ['a header glob ending in a no-break space, inside quotes', 'routing:\n  rules:\n    - name: r\n      match: { header: { x-team: "search\u00a0" } }\n      tier: large\n', 4, 41, 'U+00A0'],
  ])('%s (which parsed, and never matched) is refused at its place', (_name, text, line, column, what) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, column });
    expect(found[0]?.message).toContain(what);
  });

  it('reports one problem a line, for every line', () => {
    const found = problems('budgets:\n  - name: team\n    period:\u00a0day\u00a0\n    usd:\u00a05\n');
    expect(found.map((p) => p.line)).toEqual([3, 4]);
  });

  it('leaves comments, a leading byte-order mark and non-Latin values alone', () => {
    const r = parsePolicy('\ufeff# caf\u00a0\u201cnotes\u201d\nbudgets:\n  - name: team # it\u2019s\u00a0fine\n    period: day\n    usd: 5\n    scope: { feature: "検索" }\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.budgets[0]).toMatchObject({ name: 'team', usd: 5, scope: { feature: '検索' } });
  });

  it('a NUL byte (a file cut by a crash) is named at its line', () => {
    const found = problems('budgets: []\n\0\0\0');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 2, column: 1 });
    expect(found[0]?.message).toContain('NUL');
  });

  it('a file of NULs (UTF-16 without a byte-order mark, a binary file) is said once to be no text, not line by line', () => {
    const utf16 = Buffer.from('budgets:\n  - name: a\n    period: day\n    usd: 5\n'.repeat(30), 'utf16le').toString('latin1');
    const found = problems(utf16);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 1, column: 2 });
    expect(found[0]?.message).toMatch(/^this file is not text \(it has NUL bytes from here\).*save the policy as UTF-8 text$/);
  });
});

describe('a policy file in UTF-16 (Windows PowerShell)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const text = (usd: number) => `budgets:\n  - name: team\n    period: day\n    usd: ${usd} # caf\u00e9\n`.replace(/\n/g, '\r\n');
  const utf16le = (usd: number) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text(usd), 'utf16le')]);
  const utf16be = (usd: number) => Buffer.from(utf16le(usd)).swap16();
  const le = utf16le(5);

  it.each([
    ['little-endian (PowerShell 5.1 "Unicode")', utf16le],
    ['big-endian', utf16be],
  ])('%s is read as the policy it holds, at start and on reload', (_name, encode) => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-utf16-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, encode(5));
    const store = PolicyStore.open(file);
    expect(store.policy.budgets[0]).toMatchObject({ name: 'team', usd: 5 });
    writeFileSync(file, encode(7));
    expect(store.reload()).toBe(true);
    expect(store.lastProblems).toEqual([]);
    expect(store.policy.budgets[0]?.usd).toBe(7);
  });

  it('holding only a byte-order mark and blanks, it is an empty file mid-save: the last good policy stays', () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-utf16-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, le);
    const store = PolicyStore.open(file);
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('\r\n', 'utf16le')]));
    expect(store.reload()).toBe(false);
    expect(store.lastProblems[0]?.message).toContain('empty');
    expect(store.policy.budgets[0]?.usd).toBe(5);
  });
});

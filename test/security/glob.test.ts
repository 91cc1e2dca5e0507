/**
 * Policy globs in linear time. The matcher agrees with the obvious regex translation on small
 * inputs (property test); on hostile values (`*-*-latest` against a run of `-`: at 320 KB a
 * backtracking regex blocked the event loop for tens of seconds) the characters it reads are counted
 * and grow like the value, never like its square; and the proxy refuses a 320 KB model name before any
 * glob sees it. Work counted, not time: a loaded machine cannot fail these.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatch } from '../../proxy/src/routing/glob';
import { startHarness, type Harness } from '../support/harness';

function viaRegex(pattern: string, value: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's').test(value);
}

describe('globMatch', () => {
  it('agrees with the regex translation on small patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '*', '?');
    const text = fc.constantFrom('a', 'b', '-');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), fc.array(text, { maxLength: 12 }).map((a) => a.join('')), (p, v) => {
        expect(globMatch(p, v)).toBe(viaRegex(p, v));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles the literal, prefix and suffix cases', () => {
    expect(globMatch('gpt-4o', 'gpt-4o')).toBe(true);
    expect(globMatch('gpt-4o', 'gpt-4o-mini')).toBe(false);
    expect(globMatch('gpt-*', 'gpt-4o-mini')).toBe(true);
    expect(globMatch('*-latest', 'claude-3-5-haiku-latest')).toBe(true);
    expect(globMatch('claude-?-*', 'claude-3-opus')).toBe(true);
    expect(globMatch('a*a', 'a')).toBe(false);
  });
});

/**
 * A value that counts the characters the matcher reads: one per charCodeAt, and for indexOf the
 * characters any linear search must pass (from its start to the end of the match, or to the end of
 * the value). Whatever else turns it into a plain string (a RegExp, slice, split) reads an uncounted
 * amount, so it counts as unbounded.
 */
class Counted extends String {
  reads = 0;
  constructor(private readonly text: string) {
    super(text);
  }
  override charCodeAt(i: number): number {
    this.reads++;
    return this.text.charCodeAt(i);
  }
  override indexOf(seg: string, from = 0): number {
    const at = this.text.indexOf(seg, from);
    this.reads += (at === -1 ? this.text.length : at + seg.length) - from;
    return at;
  }
  override toString(): string {
    this.reads = Number.POSITIVE_INFINITY;
    return this.text;
  }
  override valueOf(): string {
    return this.toString();
  }
}

function readsFor(pattern: string, value: string): { matched: boolean; reads: number } {
  const v = new Counted(value);
  const matched = globMatch(pattern, v as unknown as string);
  return { matched, reads: v.reads };
}

describe('globMatch on hostile values', () => {
  const n = 1024;
  // Values whose prefix and suffix match, so the middle of the pattern has to be searched; and ones
  // that fail only at the very end, where a backtracking matcher tries every split.
  const cases: Array<[string, (n: number) => string, boolean]> = [
    ['*-*-latest', (k) => `${'a'.repeat(k)}-latest`, false],
    ['*-*-latest', (k) => `${'-'.repeat(k)}-latest`, true],
    ['*?*?*?*x', (k) => `${'-'.repeat(k)}x`, true],
    ['*?*?*?*x', (k) => '-'.repeat(k), false],
    ['a*b*c*d*e*f', (k) => `a${'bcde'.repeat(k / 4)}f`, true],
    ['a*b*c*d*e*f', (k) => `a${'bcde'.repeat(k / 4)}g`, false],
    ['*-*-latest', (k) => '-'.repeat(k), false],
  ];
  it.each(cases)('%s (case %#) reads each character a bounded number of times, growing like the value', (pattern, value, expected) => {
    const small = readsFor(pattern, value(n));
    const large = readsFor(pattern, value(4 * n));
    expect(small.matched).toBe(expected);
    expect(large.matched).toBe(expected);
    expect(viaRegex(pattern, value(64))).toBe(expected);
    // Quadratic work (a backtracking search, or a rescan from the start for each segment) reads the
    // value about n times over and grows 16-fold between n and 4n; linear work, about 4-fold.
    expect(large.reads / small.reads, `${small.reads} reads at ${n}, ${large.reads} at ${4 * n}`).toBeLessThan(4.5);
    expect(large.reads).toBeLessThanOrEqual(8 * 4 * n);
  });
});

describe('ReDoS through the proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    // The built-in providers' model globs, pointed at the fake upstream.
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const send = async (model: string, content: string) => {
    const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    });
    return { status: r.status, body: (await r.json()) as { error?: { message: string } } };
  };

  it('a 320 KB hostile model name is refused before routing matches any glob against it', async () => {
    const size = 320 * 1024;
    const before = h.upstream.calls();
    // The same number of bytes in the prompt goes through: the size of the request is not the reason.
    const ok = await send('gpt-4o-mini', 'x'.repeat(size));
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
    const attack = await send('-'.repeat(size), 'hello');
    expect(attack.status).toBe(400);
    expect(attack.body.error?.message).toBe(`The model name is ${size} characters long; Tollgate accepts at most 256.`);
    expect(h.upstream.calls() - before).toBe(1);
  });
});

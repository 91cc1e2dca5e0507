/**
 * Policy globs in linear time. The matcher agrees with the obvious regex translation on small
 * inputs (property test), and a hostile 320 KB model name against `*-*-latest` — which blocked the
 * event loop for tens of seconds with a backtracking regex — costs about what an ordinary request
 * of the same size costs. Timed as a ratio to that baseline in the same run, never wall-clock.
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

describe('ReDoS through the proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ providers: { openai: { models: ['*-*-latest', '*?*?*?*x'] } } }, { env: { OPENAI_API_KEY: 'sk-test-0123456789' } });
  });
  afterAll(async () => h?.close());

  async function timed(model: string, content: string): Promise<number> {
    const t0 = performance.now();
    const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    });
    await r.text();
    return performance.now() - t0;
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('a request with a 320 KB hostile model name costs about as much as an ordinary request of the same size', async () => {
    const size = 320 * 1024;
    const hostile = '-'.repeat(size);
    // Baseline: the same number of bytes, in the prompt instead of the model name.
    const baseline: number[] = [];
    const attack: number[] = [];
    for (let i = 0; i < 5; i++) {
      baseline.push(await timed('gpt-4o-mini', 'x'.repeat(size)));
      attack.push(await timed(hostile, 'hello'));
    }
    const ratio = median(attack) / median(baseline);
    console.log(`ReDoS ratio (hostile model name / same-size ordinary request): ${ratio.toFixed(2)} (medians ${median(attack).toFixed(1)} ms / ${median(baseline).toFixed(1)} ms)`);
    // A backtracking regex takes seconds to minutes here: thousands of times the baseline.
    expect(ratio).toBeLessThan(20);
  });

  it('the matcher itself, on a 320 KB hostile value, costs less than one ordinary request', async () => {
    // The proxy now refuses model names over 256 characters, but globs also match tags and scopes:
    // the matcher must be linear on its own.
    const n = 320 * 1024;
    // Values whose prefix and suffix match, so the middle of the pattern has to be searched.
    const cases: Array<[string, string]> = [
      ['*-*-latest', `${'a'.repeat(n)}-latest`],
      ['*?*?*?*x', `${'-'.repeat(n)}x`],
      ['a*b*c*d*e*f', `a${'bcde'.repeat(n / 4)}f`],
      ['*-*-latest', '-'.repeat(n)],
    ];
    const normal: number[] = [];
    const attack: number[] = [];
    for (let i = 0; i < 5; i++) {
      normal.push(await timed('gpt-4o-mini', 'hello'));
      const t0 = performance.now();
      for (const [p, v] of cases) globMatch(p, v);
      attack.push(performance.now() - t0);
    }
    const ratio = median(attack) / median(normal);
    console.log(`glob on 320 KB / one ordinary request: ${ratio.toFixed(3)} (medians ${median(attack).toFixed(2)} ms / ${median(normal).toFixed(2)} ms)`);
    expect(ratio).toBeLessThan(5);
  });
});

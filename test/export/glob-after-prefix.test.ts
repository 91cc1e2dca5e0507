/**
 * globAfterPrefix: the globs a model must match for `provider/model` to match a fallback's `from`
 * (the proxy tests both). Checked against the proxy's own matcher on every glob and name of up to
 * four characters over a small alphabet, so every way a star, `?` and `/` can meet is tried.
 */
import { describe, expect, it } from 'vitest';
import { globAfterPrefix } from '../../proxy/src/export/globOverlap';
import { globMatch } from '../../proxy/src/routing/glob';

function strings(alphabet: string[], max: number): string[] {
  const out = [''];
  for (let start = 0, n = 1; n <= max; n++) {
    const end = out.length;
    for (let i = start; i < end; i++) for (const c of alphabet) out.push(out[i] + c);
    start = end;
  }
  return out;
}

describe('globAfterPrefix', () => {
  it('keeps what the proxy matches after a provider prefix, and only that', () => {
    const wrong: string[] = [];
    for (const glob of strings(['a', '/', '*', '?'], 4))
      for (const prefix of ['a/', 'ab/', '/', 'b'])
        for (const name of strings(['a', 'b', '/', 'x'], 4))
          if (globMatch(glob, prefix + name) !== globAfterPrefix(glob, prefix).some((g) => globMatch(g, name))) wrong.push(`${glob} ${prefix}${name}`);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('reads the globs a policy holds', () => {
    expect(globAfterPrefix('*/gpt-4o', 'openai/')).toEqual(['*/gpt-4o', 'gpt-4o']);
    expect(globAfterPrefix('gpt-*', 'openai/')).toEqual([]);
    expect(globAfterPrefix('o*', 'openai/')).toEqual(['*']);
  });
});

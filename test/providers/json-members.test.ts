/**
 * `withoutMember` takes a top-level member out of a JSON object's text, leaving every other byte:
 * what JSON.parse reads of the result must be the object without that key, for members first,
 * last, repeated, escaped, nested, or spelled inside strings, in any spacing.
 */
import { describe, expect, it } from 'vitest';
import { withoutMember } from '../../proxy/src/providers/jsonMembers';

/** What the result must parse to: the parsed object without the key (JSON.parse keeps a repeated key's last value). */
function oracle(text: string): unknown {
  const { usage: _usage, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return rest;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('withoutMember', () => {
  it.each([
    ['last, compact (OpenAI)', '{"id":"c","choices":[{"delta":{"content":"Hi"}}],"usage":null}', '{"id":"c","choices":[{"delta":{"content":"Hi"}}]}'],
    ['before another member', '{"choices":[],"usage":null,"obfuscation":"Zx"}', '{"choices":[],"obfuscation":"Zx"}'],
    ['spaced, first', '{ "usage" : null ,\n "a": 1 }', '{ "a": 1 }'],
    ['spaced, last', '{ "a": 1 ,\n "usage" : null }', '{ "a": 1 }'],
    ['the only member', '{"usage":null}', '{}'],
    ['an object value', '{"a":[1,{"b":"}"}],"usage":{"prompt_tokens":3,"x":[[]]},"c":true}', '{"a":[1,{"b":"}"}],"c":true}'],
    ['an escaped key', '{"us\\u0061ge":null,"a":-1.5e3}', '{"a":-1.5e3}'],
    ['repeated', '{"usage":null,"a":2,"usage":1}', '{"a":2}'],
    ['nested ones and strings are left', '{"m":{"usage":null},"s":"\\"usage\\":null","k":"say \\"usage","usage":null}', '{"m":{"usage":null},"s":"\\"usage\\":null","k":"say \\"usage"}'],
  ])('%s', (_label, text, expected) => {
    expect(withoutMember(text, 'usage')).toBe(expected);
    expect(JSON.parse(expected)).toEqual(oracle(text));
  });

  it('undefined when there is no top-level member of that name', () => {
    expect(withoutMember('{"a":{"usage":null},"b":"\\"usage\\":1"}', 'usage')).toBeUndefined();
    expect(withoutMember('[{"usage":null}]', 'usage')).toBeUndefined();
  });

  it('parses as the object without the key, for random objects in random spacing', () => {
    const r = rng(16);
    const ws = () => [' ', '', '\n', '\t', '  '][Math.floor(r() * 5)]!;
    const value = (depth: number): string => {
      const k = r();
      if (depth > 3 || k < 0.3) return ['null', '1', '-2.5e3', 'true', '"s\\"usage\\":"', '"usage"', '"\\\\"'][Math.floor(r() * 7)]!;
      if (k < 0.6) return `[${ws()}${Array.from({ length: Math.floor(r() * 3) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
      return object(depth + 1);
    };
    const object = (depth: number): string => {
      const keys = Array.from({ length: Math.floor(r() * 5) }, () => ['"usage"', '"us\\u0061ge"', '"a"', '"b"', '"usage "'][Math.floor(r() * 5)]!);
      return `{${ws()}${keys.map((k) => `${k}${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    };
    let withKey = 0;
    for (let t = 0; t < 2000; t++) {
      const text = object(0);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const out = withoutMember(text, 'usage');
      if (!('usage' in parsed)) {
        expect(out).toBeUndefined();
        continue;
      }
      withKey++;
      expect(JSON.parse(out!), text).toEqual(oracle(text));
    }
    expect(withKey).toBeGreaterThan(500);
  });
});

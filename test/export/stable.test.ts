/**
 * Exports are byte-stable: the same policy gives the same bytes, and the order of keys in the
 * policy file does not leak into the output (only the source hash in the headers may change).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EXPORT_TARGETS, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { sortKeys, stableJson } from '../../proxy/src/export/stable';

const here = dirname(fileURLToPath(import.meta.url));
const text = readFileSync(join(here, '..', 'fixtures', 'export', 'full-policy.yaml'), 'utf8');

/** The same document with every mapping's keys in reverse order (arrays keep their order: it means something). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]));
  return value;
}

function policyOf(source: string) {
  const parsed = parsePolicy(source, 'p.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.policy;
}

describe.each(EXPORT_TARGETS)('%s export is stable', (target) => {
  it('exporting twice gives byte-identical files', () => {
    const a = exportPolicy(policyOf(text), target, { file: 'p.yaml', text });
    const b = exportPolicy(policyOf(text), target, { file: 'p.yaml', text });
    expect(b.files).toEqual(a.files);
    expect(b.warnings).toEqual(a.warnings);
  });

  it('reordering the keys of the policy does not change the output', () => {
    const reordered = stringify(reverseKeys(parse(text)));
    expect(reordered).not.toBe(text);
    expect(Object.keys(parse(reordered) as object)[0]).not.toBe(Object.keys(parse(text) as object)[0]);
    // Same source text for the header, so any difference would come from the key order.
    const a = exportPolicy(policyOf(text), target, { file: 'p.yaml', text });
    const b = exportPolicy(policyOf(reordered), target, { file: 'p.yaml', text });
    expect(b.files).toEqual(a.files);
  });

  it('a changed policy changes the header hash (so --check notices edits)', () => {
    const edited = `${text}\n# a comment is still an edit\n`;
    const a = exportPolicy(policyOf(text), target, { file: 'p.yaml', text });
    const b = exportPolicy(policyOf(edited), target, { file: 'p.yaml', text: edited });
    const readme = (r: typeof a) => r.files.find((f) => f.path === 'README.md')?.content;
    expect(readme(b)).not.toBe(readme(a));
  });
});

describe('stable serialisation', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const out = stableJson({ b: 1, a: { d: [3, 1, 2], c: { z: true, y: null } } });
    expect(out).toBe('{\n  "a": {\n    "c": {\n      "y": null,\n      "z": true\n    },\n    "d": [\n      3,\n      1,\n      2\n    ]\n  },\n  "b": 1\n}\n');
    expect(JSON.stringify(sortKeys({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });
});

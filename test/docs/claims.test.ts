/**
 * The docs against the code: every policy key a page names exists in the schema, every example
 * policy validates, every extension setting and environment variable is documented as it is, and
 * every relative link and anchor resolves. A user copies these facts; a wrong one costs them an
 * afternoon, so they are read from the sources here rather than trusted.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { policyJsonSchema } from '../../proxy/src/policy/schema';

const root = join(__dirname, '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** Pages about other tools' formats (gateway configs, prompt files), whose dotted keys are not Tollgate's. */
const foreignKeyPages = new Set(['docs/export.md', 'docs/analysis.md']);

/** Markdown text outside fenced code blocks (blanked, so line numbers stay the file's). */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''));
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

const schema = policyJsonSchema() as JsonSchema;

/** The schemas a value at `path` may have (through unions), or [] when no policy key has that path. */
function resolve(node: JsonSchema, path: readonly string[]): JsonSchema[] {
  const alternatives = [node, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  if (path.length === 0) return [node];
  const [head, ...rest] = path as [string, ...string[]];
  const out: JsonSchema[] = [];
  for (const alt of alternatives) {
    if (head === '[]') {
      if (alt.items) out.push(...resolve(alt.items, rest));
    } else if (alt.properties?.[head]) {
      out.push(...resolve(alt.properties[head], rest));
    } else if (head === '*' && typeof alt.additionalProperties === 'object') {
      out.push(...resolve(alt.additionalProperties, rest));
    }
  }
  return out;
}

/** Every property name the schema knows, at any depth. */
function propertyNames(node: JsonSchema, into = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(node.properties ?? {})) {
    into.add(k);
    propertyNames(v, into);
  }
  for (const child of [node.items, typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    if (child) propertyNames(child, into);
  }
  return into;
}

const TOP_LEVEL = new Set(Object.keys(schema.properties ?? {}).filter((k) => k !== '$schema' && k !== 'version'));
const KNOWN_NAMES = propertyNames(schema);

/**
 * Dotted policy paths written in code spans: `cache.semantic.threshold`, `providers.*.models`,
 * `budgets[].warnAt`, and settings with a value such as `cache.semantic.backend: auto` (a span may
 * wrap onto the next line).
 */
function policyPaths(text: string): Array<{ span: string; path: string[] }> {
  const out: Array<{ span: string; path: string[] }> = [];
  for (const m of prose(text).matchAll(/`([^`]+)`/g)) {
    const span = m[1]!.replace(/\s+/g, ' ').trim();
    const mm = /^([a-z][A-Za-z]*)((?:\.(?:[A-Za-z]+|\*)|\[\d*\])+)(?::\s*(\S.*))?$/.exec(span);
    if (!mm) continue;
    const path = [mm[1]!, ...[...mm[2]!.matchAll(/\.([A-Za-z]+|\*)|\[\d*\]/g)].map((p) => p[1] ?? '[]')];
    const last = path[path.length - 1]!;
    const hasValue = mm[3] !== undefined;
    // A policy path starts at a top-level key; a `a.b: value` setting whose last key is a policy key
    // name (`embedding.backend: auto`) claims to be one too. File names (`batch.ts`) are not paths.
    if (/^(ts|js|mjs|cjs|json|md|yaml|yml|tsv)$/.test(last)) continue;
    if (TOP_LEVEL.has(path[0]!) || (hasValue && KNOWN_NAMES.has(last))) out.push({ span, path });
  }
  return out;
}

describe('policy keys named in the docs', () => {
  it('finds the paths it checks (the extractor is not blind)', () => {
    const found = docs.filter((f) => !foreignKeyPages.has(f)).flatMap((f) => policyPaths(read(f)));
    expect(found.length).toBeGreaterThan(20);
    expect(policyPaths('set `embedding.backend:\nauto` or `cache.semantic.enabled: true`; see `batch.ts`').map((p) => p.span)).toEqual([
      'embedding.backend: auto',
      'cache.semantic.enabled: true',
    ]);
  });

  for (const f of docs.filter((d) => !foreignKeyPages.has(d))) {
    it(`${f}: every policy key path exists in the schema`, () => {
      const missing = policyPaths(read(f)).filter((p) => resolve(schema, p.path).length === 0).map((p) => p.span);
      expect(missing).toEqual([]);
    });
  }
});

describe('example policies in the docs', () => {
  /** ```yaml blocks that are policies (a mapping whose keys are policy keys), with their line. */
  function examples(file: string): Array<{ line: number; text: string }> {
    const out: Array<{ line: number; text: string }> = [];
    const lines = read(file).split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*```/.test(lines[j]!); j++) body.push(lines[j]!);
      const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
      const text = body.map((l) => l.slice(indent)).join('\n');
      const firstKey = /^([A-Za-z$][\w$]*):/m.exec(text)?.[1];
      if (firstKey && TOP_LEVEL.has(firstKey)) out.push({ line: i + 1, text });
      i = j;
    }
    return out;
  }

  it('finds the examples', () => {
    expect(docs.flatMap(examples).length).toBeGreaterThanOrEqual(5);
  });

  for (const f of docs) {
    const list = examples(f);
    if (list.length === 0) continue;
    it(`${f}: every example policy validates`, () => {
      for (const ex of list) {
        const r = parsePolicy(ex.text, `${f}:${ex.line}`);
        expect(r.ok ? [] : r.problems, `${f}:${ex.line}`).toEqual([]);
      }
    });
  }
});

describe('VS Code settings (docs/extension.md) against package.json', () => {
  const pkg = JSON.parse(read('package.json')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } | Array<{ properties: Record<string, { default?: unknown }> }> };
  };
  const config = pkg.contributes.configuration;
  const settings = Object.fromEntries((Array.isArray(config) ? config : [config]).flatMap((c) => Object.entries(c.properties)));
  const rows = new Map<string, string>();
  for (const m of read('docs/extension.md').matchAll(/^\| `(tollgate\.[\w.]+)` \| ([^|]*) \|/gm)) rows.set(m[1]!, m[2]!.trim());

  /** How the table writes a default: `4141`, `""`, `{}`, `a`, `b`. */
  function shown(v: unknown): string {
    if (Array.isArray(v)) return v.map((x) => `\`${String(x)}\``).join(', ');
    if (typeof v === 'string') return v === '' ? '`""`' : `\`${v}\``;
    return `\`${JSON.stringify(v)}\``;
  }

  it('lists every setting, with its default', () => {
    expect(Object.keys(settings).length).toBeGreaterThan(5);
    for (const [name, s] of Object.entries(settings)) {
      expect(rows.has(name), `${name} is not in the settings table`).toBe(true);
      expect(rows.get(name), name).toBe(shown(s.default));
    }
  });

  it('lists no setting that does not exist', () => {
    for (const name of rows.keys()) expect(settings[name], name).toBeDefined();
  });
});

describe('environment variables', () => {
  function sources(dir: string): string[] {
    const out: string[] = [];
    for (const e of readdirSync(join(root, dir))) {
      const p = join(dir, e);
      if (statSync(join(root, p)).isDirectory()) out.push(...sources(p));
      else if (p.endsWith('.ts')) out.push(p);
    }
    return out;
  }

  it('every TOLLGATE_* variable the proxy, extension or contract reads is documented', () => {
    const read_ = new Set<string>();
    for (const f of ['proxy/src', 'extension/src', 'contract'].flatMap(sources)) {
      for (const line of read(f).split('\n')) {
        // Error codes spelled like variables (`code = 'TOLLGATE_HOST_NOT_APPROVED'`) are not read from the environment.
        if (/\bcode\s*[:=]/.test(line)) continue;
        for (const m of line.matchAll(/\bTOLLGATE_[A-Z0-9_]*[A-Z0-9]\b/g)) read_.add(m[0]);
      }
    }
    expect(read_.size).toBeGreaterThan(5);
    const documented = docs.map(read).join('\n');
    const missing = [...read_].filter((v) => !new RegExp(`\\b${v}\\b`).test(documented));
    expect(missing).toEqual([]);
  });
});

describe('links between the docs', () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
  function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)) {
      let slug = m[1]!
        .trim()
        .toLowerCase()
        .replace(/<[^>]+>/g, '')
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
      const n = seen.get(slug);
      seen.set(slug, (n ?? -1) + 1);
      if (n !== undefined) slug = `${slug}-${n + 1}`;
      out.add(slug);
    }
    return out;
  }

  it('every relative link names a file that exists, and every #anchor a heading in it', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const f of docs) {
      for (const m of prose(read(f)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z]+:/i.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? normalize(join(dirname(f), path)) : f;
        checked++;
        if (relative(root, join(root, target)).startsWith('..') || !existsSync(join(root, target))) {
          broken.push(`${f}: ${link} (no such file)`);
        } else if (anchor && target.endsWith('.md') && !anchors(read(target)).has(anchor)) {
          broken.push(`${f}: ${link} (no such heading)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});

describe('markdown tables', () => {
  it('no code span in a table row holds an unescaped "|" (it would split the cell on GitHub)', () => {
    const broken: string[] = [];
    for (const f of docs) {
      prose(read(f))
        .split('\n')
        .forEach((line, i) => {
          if (!line.startsWith('|')) return;
          for (const m of line.matchAll(/`[^`]*`/g)) if (/(^|[^\\])\|/.test(m[0])) broken.push(`${f}:${i + 1}: ${m[0]}`);
        });
    }
    expect(broken).toEqual([]);
  });
});

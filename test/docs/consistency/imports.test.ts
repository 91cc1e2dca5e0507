/**
 * The `import` lines of the docs' TypeScript examples resolve: a package is installed, a relative
 * path (from the repository root, or from the source folder the example belongs to, as
 * `./dashboard/panel` is in extension/src) names a module, and every name imported from it is
 * exported there. A module moved or a barrel dropped shows up here, not in a reader's editor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeLines, docFiles, root } from './docText';

/** Where a relative import in an example may start from. */
const BASES = ['', 'extension/src', 'proxy/src', 'webview/src'];

function moduleFile(spec: string): string | undefined {
  for (const base of BASES) {
    const p = join(root, base, spec);
    for (const f of [`${p}.ts`, join(p, 'index.ts'), p]) if (existsSync(f) && f.endsWith('.ts')) return f;
  }
  return undefined;
}

/** Names a module exports, directly or by `export … from` (followed one level deep is enough for barrels). */
function exportsOf(file: string, depth = 0): Set<string> {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:class|function\*?|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)) out.add(m[1]!);
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.replace(/^type\s+/, '');
      if (name) out.add(name);
    }
  }
  if (depth < 3) {
    for (const m of text.matchAll(/export\s+\*\s+from\s+['"](\.[^'"]+)['"]/g)) {
      const target = moduleFile(join(file.slice(root.length + 1), '..', m[1]!));
      if (target) for (const n of exportsOf(target, depth + 1)) out.add(n);
    }
  }
  return out;
}

interface DocImport {
  where: string;
  names: string[];
  spec: string;
}

function imports(file: string, text?: string): DocImport[] {
  return codeLines(file, text)
    .filter((l) => ['ts', 'typescript', 'js', 'javascript', 'tsx'].includes(l.lang))
    .flatMap((l) => {
      const m = /^\s*import\s+(?:type\s+)?(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s+['"]([^'"]+)['"]/.exec(l.text);
      if (!m) return [];
      const names = (m[2] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!.replace(/^type\s+/, '')).filter(Boolean);
      return [{ where: l.where, names, spec: m[3]! }];
    });
}

function problems(i: DocImport): string[] {
  if (!i.spec.startsWith('.')) {
    try {
      require.resolve(i.spec, { paths: [root] });
      return [];
    } catch {
      return [`${i.where}: package ${i.spec} is not installed`];
    }
  }
  const file = moduleFile(i.spec);
  if (!file) return [`${i.where}: ${i.spec} is no module (from the repository root or a source folder)`];
  const exported = exportsOf(file);
  return i.names.filter((n) => !exported.has(n)).map((n) => `${i.where}: ${i.spec} does not export ${n}`);
}

describe('imports in the docs’ TypeScript examples', () => {
  it('finds the imports, and catches a wrong one', () => {
    expect(docFiles.flatMap((f) => imports(f)).length).toBeGreaterThanOrEqual(6);
    const sample = imports('x.md', "```ts\nimport { EmbeddingService } from './proxy/src/embedding/service';\nimport { Nope } from './proxy/src/embedding/service';\nimport { X } from './proxy/src/embeddings';\nimport OpenAI from 'openai';\n```\n");
    expect(sample.flatMap(problems)).toEqual(['x.md:3: ./proxy/src/embedding/service does not export Nope', 'x.md:4: ./proxy/src/embeddings is no module (from the repository root or a source folder)']);
  });

  for (const f of docFiles) {
    const list = imports(f);
    if (list.length === 0) continue;
    it(`${f}: every import resolves to a module that exports the name`, () => {
      expect(list.flatMap(problems)).toEqual([]);
    });
  }
});

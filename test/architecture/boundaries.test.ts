/**
 * The folder boundaries of docs/ARCHITECTURE.md, checked: every import of every source file is
 * resolved (relative paths, the @contract/@proxy aliases, package names) and compared with the
 * table between the `boundaries:start`/`boundaries:end` markers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

interface Rule {
  folder: string;
  forbidden: string[];
  except: string[];
}

/** The table's rows: `| \`folder/\` | \`a\`, \`b\` | \`c\` |`. */
function parseRules(markdown: string): Rule[] {
  const start = markdown.indexOf('<!-- boundaries:start -->');
  const end = markdown.indexOf('<!-- boundaries:end -->');
  if (start < 0 || end < start) throw new Error('docs/ARCHITECTURE.md has no boundaries table');
  const ticks = (cell: string | undefined) => [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return markdown
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l.split('|').slice(1, -1);
      return { folder: ticks(cells[0])[0]!, forbidden: ticks(cells[1]), except: ticks(cells[2]) };
    });
}

/** What an import names, as a repository path (`proxy/src/x`) or a package (`express`, `node:fs`). */
function resolveImport(fromFile: string, spec: string): string {
  if (spec.startsWith('@contract/')) return `contract/${spec.slice('@contract/'.length)}`;
  if (spec.startsWith('@proxy/')) return `proxy/src/${spec.slice('@proxy/'.length)}`;
  if (spec.startsWith('.')) return relative(root, resolve(root, dirname(fromFile), spec));
  return spec;
}

function matches(target: string, pattern: string): boolean {
  if (pattern.endsWith('*')) return target.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('/')) return target.startsWith(pattern);
  return target === pattern || target.startsWith(`${pattern}/`);
}

/** Violations of the rules by one file's imports. */
function violations(file: string, source: string, rules: Rule[]): string[] {
  const out: string[] = [];
  const specs = [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);
  for (const rule of rules) {
    if (!file.startsWith(rule.folder)) continue;
    for (const spec of specs) {
      const target = resolveImport(file, spec);
      if (target.startsWith(rule.folder)) continue;
      const hit = rule.forbidden.find((p) => matches(target, p));
      if (hit && !rule.except.some((p) => matches(target, p))) out.push(`${file} imports ${spec} (${rule.folder} must not import ${hit})`);
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const rules = parseRules(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));

describe('architecture boundaries (docs/ARCHITECTURE.md)', () => {
  it('the table is there and names the contract, the clients and the pure folders', () => {
    const folders = rules.map((r) => r.folder);
    for (const f of ['contract/', 'webview/src/', 'extension/src/', 'proxy/src/', 'proxy/src/pricing/', 'proxy/src/governance/']) expect(folders).toContain(f);
  });

  it('the checker catches a crossing (and honours an exception)', () => {
    expect(violations('webview/src/app/x.ts', "import { Ledger } from '../../../proxy/src/ledger/ledger';", rules)).toHaveLength(1);
    expect(violations('contract/x.ts', "import { readFileSync } from 'node:fs';", rules)).toHaveLength(1);
    expect(violations('proxy/src/pricing/x.ts', "import express from 'express';", rules)).toHaveLength(1);
    expect(violations('extension/src/lens/x.ts', "import type { CostLens } from '@proxy/analysis/types';", rules)).toEqual([]);
    expect(violations('extension/src/lens/x.ts', "import { startProxy } from '@proxy/server/start';", rules)).toHaveLength(1);
  });

  it('no source file imports across a boundary', () => {
    const files = ['contract', 'proxy/src', 'extension/src', 'webview/src'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => violations(f, readFileSync(join(root, f), 'utf8'), rules));
    expect(found).toEqual([]);
  });
});

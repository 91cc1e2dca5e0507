/** Helpers for the analysis tests: fixtures, expectation markers and applying quick-fix edits. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect } from 'vitest';
import { type GrammarLanguage, grammarParser } from '../../proxy/src/analysis/code/grammars';
import { pythonParser } from '../../proxy/src/analysis/code/python-calls';
import { analyzeFile, type Finding, type TextEdit } from '../../proxy/src/analysis/index';
import { LineIndex } from '../../proxy/src/analysis/text/line-index';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'analysis');

export function fixture(rel: string): { path: string; text: string } {
  const path = join(FIXTURES, rel);
  return { path, text: readFileSync(path, 'utf8') };
}

/** `expect: rule-id` comments in a fixture → "line:rule" keys (0-based lines). */
export function expectedMarkers(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/expect: ([a-z-]+)/g)) out.push(`${i}:${m[1]}`);
  });
  return out.sort();
}

export function findingKeys(findings: Finding[]): string[] {
  return findings.map((f) => `${f.range.start.line}:${f.ruleId}`).sort();
}

/** Applies non-overlapping edits (as VS Code would) and returns the new text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const idx = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ start: idx.offsetAt(e.range.start), end: idx.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * Applies a quick fix's edits to Go or Java source and checks that the result still parses and
 * has no findings left (a fix that broke the code, or fixed nothing, fails here); returns the text.
 */
export async function appliedCleanly(language: GrammarLanguage, path: string, text: string, edits: TextEdit[]): Promise<string> {
  const fixed = applyEdits(text, edits);
  const tree = (await grammarParser(language)).parse(fixed)!;
  const broken = tree.rootNode.hasError;
  tree.delete();
  expect(broken).toBe(false);
  expect((await analyzeFile({ path, text: fixed })).diagnostics).toEqual([]);
  return fixed;
}

/** How many syntax errors TypeScript's parser finds in `text` (a quick fix must leave none). */
export function tsSyntaxErrors(path: string, text: string): number {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  return (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
}

/** Whether the Python grammar finds a syntax error in `text`. */
export async function pythonHasErrors(text: string): Promise<boolean> {
  const tree = (await pythonParser()).parse(text)!;
  const bad = tree.rootNode.hasError;
  tree.delete();
  return bad;
}

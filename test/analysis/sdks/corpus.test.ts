/**
 * Recall and precision of the output-limit lint on realistic calls of SDKs it had not been measured
 * on (Bedrock Converse, Google Gen AI chats, LlamaIndex, Azure and compatible endpoints, …), and
 * whether each offered fix inserts the spelling that SDK reads, at a place that still parses.
 */
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';
import { CASES } from './corpus';

const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);

function pythonParses(text: string): boolean {
  try {
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

/** Syntax errors of a TS/JS file, as the compiler reports them (no type information needed). */
function typescriptParses(path: string, text: string): boolean {
  const out = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return (out.diagnostics ?? []).length === 0;
}

describe('output-limit lint on unseen SDKs', () => {
  it('flags every call without a limit, nothing else, and fixes each in its SDK’s spelling and place', async () => {
    const missed: string[] = [];
    const wrong: string[] = [];
    const badFixes: string[] = [];
    for (const c of CASES) {
      const found = (await analyzeFile({ path: c.path, text: c.text })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
      if (c.flag && found.length === 0) missed.push(c.id);
      if (found.length > (c.flag ? 1 : 0)) wrong.push(`${c.id}: ${found.map((d) => d.message).join(' | ')}`);
      const fix = c.flag ? found[0]?.fixes[0] : undefined;
      if (!c.flag || !found[0]) continue;
      if (!fix) {
        badFixes.push(`${c.id}: no fix`);
        continue;
      }
      const out = applyEdits(c.text, fix.edits);
      const keys = c.keys ?? [];
      const inserted = fix.edits.map((e) => e.newText).join('');
      const keyOk = keys.some((k) => new RegExp(`\\b${k}\\b`).test(inserted));
      // The key sits inside the named argument (`inferenceConfig: { maxTokens: … }`, `GenerateContentConfig(…, max_output_tokens=…)`).
      const insideOk = !c.inside || new RegExp(`${c.inside}\\s*[=:(]?\\s*[({][^)}]*\\b(${keys.join('|')})\\b`).test(out);
      const parses = c.path.endsWith('.py') ? pythonParses(out) : typescriptParses(c.path, out);
      if (!keyOk || !insideOk || !parses) badFixes.push(`${c.id}: ${JSON.stringify(inserted)} key ${keyOk} place ${insideOk} parses ${parses}`);
    }
    expect(missed).toEqual([]);
    expect(wrong).toEqual([]);
    expect(badFixes).toEqual([]);
  });
});

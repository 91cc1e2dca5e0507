/**
 * Scoring of the output-limit lint on a labelled set of call sites, shared by the SDK corpus
 * (test/analysis/sdks) and the framework corpus (test/analysis/frameworks): each case is analysed,
 * its limit findings counted, and the first finding's fix checked — the key it inserts, the place it
 * lands, and that the fixed file still parses (and, where a checker is given, brings in no new error).
 */
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

export const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);

/** A labelled call site. */
export interface ScoredCase {
  id: string;
  path: string;
  text: string;
  /** The key the fix must insert (any of these). */
  keys?: string[];
  /** The argument the key must end up inside (`inferenceConfig`, `generation_kwargs`), when nested. */
  inside?: string;
}

export interface Outcome<C extends ScoredCase> {
  c: C;
  /** Whether the case must be flagged. */
  expected: boolean;
  /** How many limit findings it got. */
  flagged: number;
  fixProblem?: string;
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  badFixes: number;
  precision: number;
  recall: number;
}

/**
 * Whether each Python text parses, all checked by one python3 process: starting one costs seconds on
 * a loaded machine behind pyenv's shim, and a corpus has dozens of Python cases.
 */
export function pythonParsesAll(texts: readonly string[]): boolean[] {
  if (texts.length === 0) return [];
  const script = [
    'import ast, json, sys',
    'out = []',
    'for t in json.load(sys.stdin):',
    '    try:',
    '        ast.parse(t)',
    '        out.append(True)',
    '    except Exception:',
    '        out.append(False)',
    'print(json.dumps(out))',
  ].join('\n');
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' })) as boolean[];
  if (out.length !== texts.length) throw new Error(`python3 checked ${out.length} of ${texts.length} texts`);
  return out;
}

/** Syntax errors of a TS/JS file, as the compiler reports them (no type information needed). */
export function typescriptSyntaxErrors(path: string, text: string): string[] {
  const out = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/**
 * Analyses each case. `typescriptErrors` (default: syntax only) says what is wrong with a TS/JS
 * text; only errors the fix brings in count (a case may use an API of another version than the
 * one installed). The fixed Python texts are parsed together at the end.
 */
export async function scoreCases<C extends ScoredCase>(
  cases: readonly C[],
  expectedOf: (c: C) => boolean,
  typescriptErrors: (path: string, text: string) => string[] = typescriptSyntaxErrors,
): Promise<Outcome<C>[]> {
  const outcomes: Outcome<C>[] = [];
  const pending: Array<{ outcome: Outcome<C>; fixed: string; describe: (errors: string[]) => string | undefined }> = [];
  for (const c of cases) {
    const expected = expectedOf(c);
    const found = (await analyzeFile({ path: c.path, text: c.text })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
    const outcome: Outcome<C> = { c, expected, flagged: found.length };
    outcomes.push(outcome);
    if (!expected || !found[0]) continue;
    const fix = found[0].fixes[0];
    if (!fix) {
      outcome.fixProblem = 'no fix';
      continue;
    }
    const fixed = applyEdits(c.text, fix.edits);
    const inserted = fix.edits.map((e) => e.newText).join('');
    const keys = c.keys ?? [];
    const keyOk = keys.some((k) => new RegExp(`\\b${k}\\b`).test(inserted));
    // The key sits inside the named argument (`inferenceConfig: { maxTokens: … }`, `GenerateContentConfig(…, max_output_tokens=…)`).
    const insideOk = !c.inside || new RegExp(`${c.inside}\\s*[=:(]?\\s*[({][^)}]*\\b(${keys.join('|')})\\b`).test(fixed);
    const describe = (errors: string[]) => (!keyOk || !insideOk || errors.length ? `${JSON.stringify(inserted)} key ${keyOk} place ${insideOk} ${errors.join('; ')}` : undefined);
    if (c.path.endsWith('.py')) {
      pending.push({ outcome, fixed, describe });
      continue;
    }
    const before = typescriptErrors(c.path, c.text);
    const problem = describe(typescriptErrors(c.path, fixed).filter((e) => !before.includes(e)));
    if (problem) outcome.fixProblem = problem;
  }
  const parses = pythonParsesAll(pending.map((p) => p.fixed));
  pending.forEach((p, i) => {
    const problem = p.describe(parses[i] ? [] : ['syntax error']);
    if (problem) p.outcome.fixProblem = problem;
  });
  return outcomes;
}

/** True/false positives, misses, bad fixes, precision and recall of a set of outcomes. */
export function score<C extends ScoredCase>(outcomes: readonly Outcome<C>[]): Score {
  const tp = outcomes.filter((o) => o.expected && o.flagged > 0).length;
  const fn = outcomes.filter((o) => o.expected && o.flagged === 0).length;
  const fp = outcomes.filter((o) => !o.expected && o.flagged > 0).length;
  const badFixes = outcomes.filter((o) => o.fixProblem).length;
  return { tp, fp, fn, badFixes, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}

/**
 * What went wrong, case by case: calls missed, calls flagged that should not be (or more than once),
 * and fixes that do not insert the right key at the right place.
 */
export function problems<C extends ScoredCase>(outcomes: readonly Outcome<C>[], name: (c: C) => string = (c) => c.id): { missed: string[]; wrong: string[]; badFixes: string[] } {
  return {
    missed: outcomes.filter((o) => o.expected && o.flagged === 0).map((o) => name(o.c)),
    wrong: outcomes.filter((o) => (o.expected ? o.flagged > 1 : o.flagged > 0)).map((o) => name(o.c)),
    badFixes: outcomes.filter((o) => o.fixProblem).map((o) => `${name(o.c)}: ${o.fixProblem}`),
  };
}

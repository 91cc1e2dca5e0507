/**
 * Recall and precision of the missing-output-limit lint on frameworks it was not written against
 * (cases.ts, README.md), on the development cases and the held-out third in the same run, and
 * whether each quick fix inserts the spelling that framework reads at a place that parses (and, where
 * the framework's types are installed, type-checks).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { problems, score, scoreCases } from '../support/scorer';
import { CASES } from './cases';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The modules a TS file imports, to tell whether its types are installed here. */
function importedModules(text: string): string[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return sf.statements.filter(ts.isImportDeclaration).map((s) => (s.moduleSpecifier as ts.StringLiteral).text);
}

const installed = (mod: string): boolean => {
  const pkg = mod.startsWith('@') ? mod.split('/').slice(0, 2).join('/') : mod.split('/')[0]!;
  return mod.startsWith('node:') || existsSync(join(ROOT, 'node_modules', pkg, 'package.json'));
};

let lastProgram: ts.Program | undefined;
/** Declaration files parsed once for every program. */
const parsed = new Map<string, ts.SourceFile>();

/** Syntax errors, and — when every import resolves to an installed package — type errors. */
function typescriptErrors(path: string, text: string): string[] {
  const out = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  const syntax = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (syntax.length || !importedModules(text).every(installed)) return syntax;
  const file = join(ROOT, 'test', 'analysis', 'frameworks', `__fix__${path.replace(/\.mjs$/, '.ts')}`);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? text : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang) => {
    if (f === file) return ts.createSourceFile(f, text, lang);
    let cached = parsed.get(f);
    if (!cached) {
      cached = getSource(f, lang);
      if (cached) parsed.set(f, cached);
    }
    return cached;
  };
  // Each program reuses the last one's library files (the AI SDK's and LangChain's types are large).
  const program = ts.createProgram([file], options, host, lastProgram);
  lastProgram = program;
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('output-limit lint on frameworks it never met', () => {
  it('has a labelled set of at least 60 call sites with a held-out third', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    const held = CASES.filter((c) => c.held).length;
    expect(held / CASES.length).toBeGreaterThan(0.3);
  });

  it('flags every framework call without a limit, nothing else, and fixes each where the framework reads it', async () => {
    const outcomes = await scoreCases(CASES, (c) => c.expect === 'missing', typescriptErrors);
    const dev = score(outcomes.filter((o) => !o.c.held));
    const held = score(outcomes.filter((o) => o.c.held));
    const line = (name: string, s: ReturnType<typeof score>) =>
      `${name.padEnd(9)} tp ${s.tp} fp ${s.fp} fn ${s.fn} bad fixes ${s.badFixes} precision ${s.precision.toFixed(2)} recall ${s.recall.toFixed(2)}`;
    console.log(`${line('dev', dev)}\n${line('held-out', held)}`);
    const { missed, wrong, badFixes } = problems(outcomes, (c) => `${c.held ? '[held] ' : ''}${c.id} (${c.framework})`);
    if (missed.length || wrong.length || badFixes.length) console.log({ missed, wrong, badFixes });
    // No framework without a limit problem is reported (precision 1 on both parts)…
    expect(wrong).toEqual([]);
    // …every fix offered is one the framework reads, at a place that parses and type-checks…
    expect(badFixes).toEqual([]);
    // …and recall on the development part is complete.
    expect(dev.fn).toBe(0);
  }, 300_000);
});

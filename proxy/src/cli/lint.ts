/**
 * `tollgate lint [paths…] [--format text|json|sarif] [--max-severity error|warning|info]`: the
 * editor's prompt and code analysis for CI. Exit code 1 when a finding is at or above the
 * threshold, 0 otherwise, 2 on usage errors (unknown format/severity/rule, missing path). Paths
 * that cannot be analysed (unreadable, FIFO, binary, over 2 MB — 50 MB for a notebook) and code in
 * languages lint does not read (C#, Ruby, PHP, Kotlin, Rust, Swift, Scala, Dart: one line per language) are named on
 * stderr, counted in the text summary and listed as SARIF tool notifications; they do not change the exit code.
 * `--compare`, `--prompt-glob` and `--rule` take one value each and repeat, so paths may come
 * before or after them.
 */
import { DEFAULT_MODEL } from '../../../contract/defaults';
import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { atOrAbove, isSeverity } from '../analysis/report/severity';
import type { AnalysisSettings, Severity } from '../analysis/types';
import type { FileResult, SkippedPath } from '../analysis/workspace/collect';
import { collect, nearest, numberOption, printable, printableJson, printableLines } from './common';

export const LINT_FORMATS = ['text', 'json', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export interface LintOptions {
  format: LintFormat;
  maxSeverity: Severity;
  defaultModel?: string;
  comparisonModels?: string[];
  promptGlobs?: string[];
  /** rule=severity pairs, e.g. politeness=off. */
  rule?: string[];
  fewShotMaxShare?: number;
}

/** Where the command prints; tests pass their own, the CLI uses the process streams. */
export interface LintCommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd?: string;
  /**
   * Records the exit status. Default: process.exitCode (so output is flushed before exit), and
   * process.exit(2) on usage errors. When given, usage errors also throw after calling it.
   */
  exit?: (code: number) => void;
}

const processIO: LintCommandIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the analysis and returns the exit code (0 clean, 1 findings at/above threshold, 2 usage error). */
export async function runLint(paths: string[], options: LintOptions, io: LintCommandIO = processIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const severities: NonNullable<AnalysisSettings['severities']> = {};
  const ruleIds = options.rule?.length ? (await import('../analysis/index')).RULES.map((r) => r.id) : [];
  for (const pair of options.rule ?? []) {
    const [id, sev] = pair.split('=').map((s) => s.trim());
    if (!id || !sev || !(isSeverity(sev) || sev === 'off')) {
      io.err(`error: --rule expects <rule-id>=<error|warning|info|hint|off>, got "${pair}"\n`);
      return 2;
    }
    if (!ruleIds.includes(id)) {
      const near = nearest(id, ruleIds);
      io.err(`error: --rule: unknown rule "${id}"${near ? `; did you mean "${near}"?` : ` (rules: ${ruleIds.join(', ')})`}\n`);
      return 2;
    }
    severities[id] = sev;
  }
  const settings: AnalysisSettings = {
    severities,
    ...(options.defaultModel ? { defaultModel: options.defaultModel } : {}),
    ...(options.comparisonModels?.length ? { comparisonModels: options.comparisonModels } : {}),
    ...(options.promptGlobs?.length ? { promptGlobs: options.promptGlobs } : {}),
    ...(options.fewShotMaxShare !== undefined ? { fewShotMaxShare: options.fewShotMaxShare } : {}),
  };
  // Loaded here, not at the top, so `tollgate --help` does not load the analysis (and the TypeScript compiler).
  const { analyzePaths, MissingPathError } = await import('../analysis/workspace/collect');
  const { toSarif } = await import('../analysis/report/sarif');
  const { formatText } = await import('../analysis/report/text');
  // What could not be read is said on stderr (all formats) and in SARIF as tool notifications:
  // a run that skipped files must not read as a clean one. The exit code stays the findings' own.
  const skipped: SkippedPath[] = [];
  const onSkip = (s: SkippedPath) => {
    skipped.push(s);
    io.err(`tollgate lint: skipped ${printable(relative(cwd, s.path) || s.path)}: ${s.reason}\n`);
  };
  let results: FileResult[];
  try {
    results = await analyzePaths((paths.length ? paths : ['.']).map((p) => resolve(cwd, p)), settings, { onSkip });
  } catch (e) {
    if (e instanceof MissingPathError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // File names and the source text quoted in messages come from the repository being linted (a
  // clone, a PR): their control characters must not reach the CI log or terminal raw.
  if (options.format === 'sarif') io.out(printableJson(JSON.stringify(toSarif(results, cwd, skipped), null, 2)) + '\n');
  else if (options.format === 'json')
    io.out(printableJson(JSON.stringify(results.map(({ text: _text, ...r }) => r), null, 2)) + '\n');
  else io.out(printableLines(formatText(results.map((r) => ({ ...r, path: printable(r.path) })), cwd, skipped)));
  const failing = results.some((r) => r.diagnostics.some((d) => atOrAbove(d.severity, options.maxSeverity)));
  return failing ? 1 : 0;
}

export function lintCommand(io: LintCommandIO = processIO): Command {
  const exit =
    io.exit ??
    ((code: number) => {
      process.exitCode = code;
    });
  const cmd = new Command('lint')
    .description('Analyse prompt files and LLM calls: token and $ counts, missing output limits, duplicated or wasteful prompt text.')
    .argument('[paths...]', 'files or directories (default: the current directory; node_modules and .git are skipped)')
    .addOption(new Option('--format <format>', 'output format').choices([...LINT_FORMATS]).default('text'))
    .addOption(new Option('--max-severity <severity>', 'exit 1 when a finding is at or above this severity').choices(['error', 'warning', 'info']).default('error'))
    .option('--default-model <model>', 'model assumed when a file names none', DEFAULT_MODEL)
    .option('--compare <models>', 'comparison model for cost figures; repeatable or comma-separated', collect(true))
    .option('--prompt-glob <glob>', 'glob of plain .txt/.md prompt templates; repeatable', collect())
    .option('--rule <rule=severity>', 'override a rule’s severity, e.g. politeness=off; repeatable or comma-separated', collect(true))
    .option('--few-shot-max-share <share>', 'share of prompt tokens few-shot examples may take (0–1)', numberOption({ min: 0, minExclusive: true, max: 1 }))
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // Usage errors (unknown option, bad choice) exit 2 so CI can tell them from findings.
    .exitOverride((err) => {
      const code = err.exitCode === 0 ? 0 : 2;
      if (!io.exit) process.exit(code);
      io.exit(code);
      throw err;
    })
    .action(async (paths: string[], opts: { format: LintFormat; maxSeverity: Severity; defaultModel?: string; compare?: string[]; promptGlob?: string[]; rule?: string[]; fewShotMaxShare?: number }) => {
      const code = await runLint(
        paths,
        {
          format: opts.format,
          maxSeverity: opts.maxSeverity,
          ...(opts.defaultModel ? { defaultModel: opts.defaultModel } : {}),
          ...(opts.compare ? { comparisonModels: opts.compare } : {}),
          ...(opts.promptGlob ? { promptGlobs: opts.promptGlob } : {}),
          ...(opts.rule ? { rule: opts.rule } : {}),
          ...(opts.fewShotMaxShare !== undefined ? { fewShotMaxShare: opts.fewShotMaxShare } : {}),
        },
        io,
      );
      exit(code);
    });
  return cmd;
}

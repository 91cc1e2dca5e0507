/**
 * Prompt and code analysis: token and $ counts (CodeLens) and lint findings with measured savings.
 * Pure logic (no vscode, no network); the VS Code extension and `tollgate lint` both call analyzeFile.
 */
import { countTextTokens } from '../tokens/count';
import type { DetectedCall } from './code/llm-call';
import { isNotebookPath, isPythonCell, notebookFileAnalysis, notebookProgram, readNotebook } from './code/notebook';
import { buildLens } from './cost/lens';
import { priceAsFor } from './cost/model-prices';
import { pieceCounterFor } from './cost/piece-counter';
import { codeLanguageOf, type CodeLanguage, DEFAULT_PROMPT_GLOBS, isInstructionKind, promptKindOf } from './prompt/detect';
import type { PromptDocument } from './prompt/document';
import { parseGithubPrompt } from './prompt/github-prompt';
import { parseMarkdownPrompt } from './prompt/markdown-prompt';
import { normaliseModelName } from './prompt/model-names';
import { parsePromptfoo } from './prompt/promptfoo';
import { parsePrompty } from './prompt/prompty';
import { codeOutputLimitFindings, promptOutputLimitFindings } from './rules/output-limit';
import { tokens, type PromptRuleContext, type RuleFinding } from './rules/context';
import { crossFileDuplicateFindings, duplicateFindings } from './rules/duplicates';
import { formattingFindings } from './rules/formatting';
import { PARSE_ERROR_RULE_ID, parseProblemFindings } from './rules/parse-problems';
import { cacheOrderFindings, fewShotFindings, politenessFindings, unboundedOutputFindings } from './rules/prompt-content';
import { ruleInfo } from './rules';
import { applySuppressions } from './suppression';
import { LineIndex } from './text/line-index';
import type { AnalysisInput, AnalysisSettings, CostLens, FileAnalysis, Finding, PromptFileKind } from './types';

export * from './types';
export { RULES, ruleInfo } from './rules';
export { isPromptFile, promptKindOf, codeLanguageOf, isInstructionKind, DEFAULT_PROMPT_GLOBS } from './prompt/detect';

/** The same default the editor's `tollgate.defaultModel` has, so `tollgate lint` and the CodeLens price alike. */
export { DEFAULT_MODEL } from '../../../contract/defaults';
import { DEFAULT_MODEL } from '../../../contract/defaults';

export interface AnalysisContext {
  /** Other always-on instruction files (copilot-instructions.md, AGENTS.md, CLAUDE.md, *.instructions.md) for cross-file duplicates. */
  relatedFiles?: AnalysisInput[];
  /**
   * The editor's token (a VS Code CancellationToken fits). With one, the analysis runs in steps —
   * parse, lens, then one rule at a time — yielding to the event loop between them, and stops with
   * AnalysisCancelled at the first step after cancellation (a newer edit supersedes this run).
   */
  cancellation?: { readonly isCancellationRequested: boolean };
}

/** Thrown by analyzeFile when its cancellation token fired; the caller has a newer run. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
    this.name = 'AnalysisCancelled';
  }
}

/** Between steps of a cancellable run: let queued edits arrive, then stop if one cancelled us. */
async function checkpoint(context: AnalysisContext): Promise<void> {
  const token = context.cancellation;
  if (!token) return;
  if (token.isCancellationRequested) throw new AnalysisCancelled();
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (token.isCancellationRequested) throw new AnalysisCancelled();
}

function parsePrompt(kind: PromptFileKind, text: string, path: string): PromptDocument {
  switch (kind) {
    case 'prompty':
      return parsePrompty(text);
    case 'github-prompt-yaml':
      return parseGithubPrompt(text);
    case 'promptfoo':
      return parsePromptfoo(text);
    default: {
      const lower = path.toLowerCase();
      // Prompt, chat-mode, agent and instruction files are Markdown whatever their name; a template only as `.md`.
      return parseMarkdownPrompt(text, kind, { mdx: lower.endsWith('.mdx'), markdown: kind !== 'prompt-template' || lower.endsWith('.md') });
    }
  }
}

/** Severity from settings (or the rule default); findings of rules set to 'off' are dropped. */
function withSeverities(raw: RuleFinding[], settings: AnalysisSettings): Finding[] {
  const out: Finding[] = [];
  for (const f of raw) {
    const configured = settings.severities?.[f.ruleId];
    if (configured === 'off') continue;
    const info = ruleInfo(f.ruleId);
    const severity = configured ?? info?.defaultSeverity ?? 'warning';
    out.push({ ...f, severity });
  }
  return out;
}

/**
 * One finding per root cause. A prompt with no output limit whose text also asks for unbounded
 * output has one problem — nothing caps the reply — so the phrases join the missing-limit finding
 * instead of repeating its worst case; several unbounded phrases make one finding. And a rule
 * never reports twice at the same position.
 */
export function oneFindingPerRootCause(raw: RuleFinding[]): RuleFinding[] {
  const missing = raw.filter((f) => f.ruleId === 'prompt-missing-output-limit');
  const unbounded = raw.filter((f) => f.ruleId === 'unbounded-output');
  let out = raw;
  if (unbounded.length > 0) {
    const phrases = [...new Set(unbounded.map((f) => /^"([^"]+)"/.exec(f.message)?.[1]).filter((p): p is string => !!p))];
    const quoted = phrases.map((p) => `"${p}"`).join(', ');
    if (missing.length === 1) {
      const m = missing[0]!;
      const merged = { ...m, message: `${m.message.replace(/\.$/, '')}; the prompt also asks for unbounded output (${quoted}).` };
      out = raw.filter((f) => f.ruleId !== 'unbounded-output').map((f) => (f === m ? merged : f));
    } else if (missing.length === 0 && unbounded.length > 1) {
      const first = unbounded[0]!;
      const merged = { ...first, message: first.message.replace(/^"[^"]+"/, quoted).replace(' asks for ', phrases.length > 1 ? ' ask for ' : ' asks for ') };
      out = raw.filter((f) => f.ruleId !== 'unbounded-output' || f === first).map((f) => (f === first ? merged : f));
    }
  }
  const seen = new Set<string>();
  return out.filter((f) => {
    const key = `${f.ruleId}|${f.range.start.line}:${f.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function ruleEnabled(settings: AnalysisSettings, id: string): boolean {
  return settings.severities?.[id] !== 'off';
}

async function analyzePrompt(input: AnalysisInput, kind: PromptFileKind, settings: AnalysisSettings, context: AnalysisContext): Promise<FileAnalysis> {
  const lines = new LineIndex(input.text);
  const doc = parsePrompt(kind, input.text, input.path);
  const model = doc.model ?? normaliseModelName(settings.defaultModel ?? DEFAULT_MODEL);
  const ctx: PromptRuleContext = {
    path: input.path,
    text: input.text,
    lines,
    doc,
    model,
    exact: countTextTokens('', model).exact,
    settings,
    related: context.relatedFiles ?? [],
    counter: pieceCounterFor(model),
  };
  const calls: CostLens[] = [];
  const comparisonModels = settings.comparisonModels ?? [];
  const countText = (t: string) => tokens(ctx, t);
  const lensRange = lines.range(doc.headerStart, doc.headerStart);
  if (doc.kind === 'promptfoo') {
    // Each prompt is a separate request.
    for (const s of doc.sections)
      calls.push(
        buildLens({
          model,
          range: lines.range(s.start, s.start),
          messages: [{ role: s.role, text: s.text, range: lines.range(s.start, s.end) }],
          ...(doc.outputLimit !== undefined ? { outputLimit: doc.outputLimit } : {}),
          comparisonModels,
          chat: true,
          countText,
        }),
      );
  } else if (doc.sections.length > 0) {
    calls.push(
      buildLens({
        model,
        range: lensRange,
        messages: doc.sections.map((s) => ({ role: s.role, text: s.text, range: lines.range(s.start, s.end) })),
        ...(doc.outputLimit !== undefined ? { outputLimit: doc.outputLimit } : {}),
        comparisonModels,
        // Instruction files are prepended to a request, not sent as a request of their own.
        chat: !isInstructionKind(kind) && kind !== 'prompt-template',
        countText,
      }),
    );
  }
  const rules: Array<[string[], (c: PromptRuleContext) => RuleFinding[]]> = [
    [[PARSE_ERROR_RULE_ID], parseProblemFindings],
    [['prompt-missing-output-limit'], promptOutputLimitFindings],
    [['duplicate-text'], duplicateFindings],
    [['duplicate-instructions'], crossFileDuplicateFindings],
    [['wasteful-formatting'], formattingFindings],
    [['unbounded-output'], unboundedOutputFindings],
    [['cache-hostile-order'], cacheOrderFindings],
    [['few-shot-share'], fewShotFindings],
    [['politeness'], politenessFindings],
  ];
  const raw: RuleFinding[] = [];
  for (const [ids, rule] of rules) {
    if (!ids.some((id) => ruleEnabled(settings, id))) continue;
    await checkpoint(context);
    raw.push(...rule(ctx));
  }
  const diagnostics = applySuppressions(withSeverities(oneFindingPerRootCause(raw), settings), input.text);
  return { kind, model, calls, diagnostics };
}

/**
 * A CRLF prompt file is analysed as its LF text: every rule and fix sees one kind of line break.
 * Positions carry over unchanged — line numbers are the same and a column never counts the `\r`
 * (VS Code's positions exclude it too), so a range ending at a line's end stops before `\r\n` —
 * and line breaks in a fix's new text are written back as `\r\n`.
 */
async function analyzeCrlfPrompt(input: AnalysisInput, kind: PromptFileKind, settings: AnalysisSettings, context: AnalysisContext): Promise<FileAnalysis> {
  const lf = (i: AnalysisInput): AnalysisInput => ({ ...i, text: i.text.replace(/\r\n/g, '\n') });
  const related = context.relatedFiles?.map(lf);
  const r = await analyzePrompt(lf(input), kind, settings, { ...context, ...(related ? { relatedFiles: related } : {}) });
  const crlf = (t: string) => t.replace(/\r?\n/g, '\r\n');
  return {
    ...r,
    diagnostics: r.diagnostics.map((d) => ({ ...d, fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, newText: crlf(e.newText) })) })) })),
  };
}

async function analyzeCode(input: AnalysisInput, language: CodeLanguage, settings: AnalysisSettings, context: AnalysisContext): Promise<FileAnalysis> {
  const lines = new LineIndex(input.text);
  const defaultModel = normaliseModelName(settings.defaultModel ?? DEFAULT_MODEL);
  let detected: DetectedCall[];
  // Parsers load on first use: the TypeScript compiler and tree-sitter are large, and prompt files need neither.
  if (language === 'python') detected = await (await import('./code/python-calls')).findPythonCalls(input.text, settings.wasmDir, input.path);
  else if (language === 'go') detected = await (await import('./code/go-calls')).findGoCalls(input.text, settings.wasmDir);
  else if (language === 'java') detected = await (await import('./code/java-calls')).findJavaCalls(input.text, settings.wasmDir);
  else detected = (await import('./code/typescript-calls')).findTypeScriptCalls(input.path, input.text);
  await checkpoint(context);
  // A call through another provider's SDK client (Groq, Together) is billed at that provider's rate,
  // for the model as shown or, failing that, as written (Together prices `meta-llama/Llama-3.3-…`).
  const priced = detected.map((c) => {
    const model = c.model ? normaliseModelName(c.model) : defaultModel;
    const priceAs = c.provider ? priceAsFor(c.provider, c.model ? [model, c.model] : [model]) : undefined;
    return { ...c, ...(c.model ? { model } : {}), ...(priceAs ? { priceAs } : {}) };
  });
  const calls: CostLens[] = detected.map((c, i) => {
    const unseen: Array<'arguments' | 'model'> = [...(c.argumentsHidden ? (['arguments'] as const) : []), ...(c.model ? [] : (['model'] as const))];
    const { model = defaultModel, priceAs } = priced[i]!;
    const counter = pieceCounterFor(model);
    const lens = buildLens({
      model,
      countText: (t) => counter.count(t),
      range: lines.range(c.start, c.end),
      messages: c.messages.map((m) => ({ role: m.role, text: m.text, range: lines.range(m.start, m.end) })),
      extraPlaceholders: c.placeholders,
      ...(c.outputLimit !== undefined ? { outputLimit: c.outputLimit } : {}),
      comparisonModels: settings.comparisonModels ?? [],
      chat: c.chat !== false,
      ...(priceAs ? { priceAs } : {}),
    });
    return unseen.length ? { ...lens, unseen } : lens;
  });
  const raw = codeOutputLimitFindings(
    priced,
    lines,
    defaultModel,
  );
  const diagnostics = applySuppressions(withSeverities(raw, settings), input.text);
  const models = new Set(detected.map((c) => c.model).filter((m): m is string => !!m));
  return { kind: 'code', ...(models.size === 1 ? { model: normaliseModelName([...models][0]!) } : {}), calls, diagnostics };
}

/**
 * A Jupyter notebook file (its JSON text): the Python cells analysed as one program, in order, and the
 * results placed back in the file (code/notebook.ts). Not JSON, or no Python cell: nothing to analyse.
 */
async function analyzeNotebook(input: AnalysisInput, settings: AnalysisSettings, context: AnalysisContext): Promise<FileAnalysis> {
  const nb = readNotebook(input.text);
  const program = nb && notebookProgram(nb.cells.map((c) => ({ source: c.source, python: isPythonCell(c) })));
  if (!nb || !program?.segments.length) return { kind: 'unknown', calls: [], diagnostics: [] };
  const r = await analyzeCode({ path: input.path, text: program.text, languageId: 'python' }, 'python', settings, context);
  return notebookFileAnalysis(r, program, nb, input.text);
}

/**
 * Analyse one file: cost lenses for each request it describes or makes, and lint findings.
 * Never throws for malformed input; a file it does not understand yields kind 'unknown'.
 */
export async function analyzeFile(input: AnalysisInput, settings: AnalysisSettings = {}, context: AnalysisContext = {}): Promise<FileAnalysis> {
  const kind = promptKindOf(input.path, input.languageId, settings.promptGlobs ?? DEFAULT_PROMPT_GLOBS);
  await checkpoint(context);
  // A notebook's JSON text; the editor passes a notebook's cells as Python (languageId 'python').
  if (isNotebookPath(input.path) && input.languageId !== 'python') return analyzeNotebook(input, settings, context);
  if (kind) return input.text.includes('\r\n') ? analyzeCrlfPrompt(input, kind, settings, context) : analyzePrompt(input, kind, settings, context);
  const language = codeLanguageOf(input.path, input.languageId);
  if (language) return analyzeCode(input, language, settings, context);
  return { kind: 'unknown', calls: [], diagnostics: [] };
}


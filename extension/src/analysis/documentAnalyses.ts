/**
 * One analysis per document version, shared by the CodeLens, diagnostics and code-action
 * providers; a newer version cancels the older run, and very large files are skipped with a
 * message (./scheduling.ts). The analysis engine (tokenizer ranks, price data, tree-sitter) is loaded on first use,
 * not at activation, so activation stays cheap.
 */
import * as vscode from 'vscode';
import type { AnalysisSettings, FileAnalysis } from '@proxy/analysis/types';
import { readConfig } from '../config';
import { KNOWN_PROMPT_PATTERNS, selectorPattern } from './promptPatterns';
import { LatestRuns, sizeVerdict, type RunToken } from './scheduling';

export type Analyzer = (
  input: { path: string; text: string; languageId?: string },
  settings: AnalysisSettings,
  cancellation?: RunToken,
) => FileAnalysis | Promise<FileAnalysis>;

/** Languages whose files may contain LLM calls (the analyzer decides whether they do). */
export const CODE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'];
/** Prompt languages VS Code (or extensions) assign; `*.prompt.md` opens as `prompt`. */
export const PROMPT_LANGUAGES = ['prompt', 'prompty', 'instructions', 'chatmode'];

export function documentSelector(promptGlobs: string[]): vscode.DocumentSelector {
  return [
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'untitled' })),
    ...PROMPT_LANGUAGES.map((language) => ({ language })),
    ...[...KNOWN_PROMPT_PATTERNS, ...promptGlobs.map(selectorPattern)].map((pattern) => ({ pattern })),
  ];
}

export class DocumentAnalyses implements vscode.Disposable {
  private readonly runs = new LatestRuns<FileAnalysis | undefined>();
  /** Documents already told they are too large (told once per document, not per edit). */
  private readonly toldTooLarge = new Set<string>();
  private analyzer: Promise<Analyzer> | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's analysis may differ (new version analysed, settings changed). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly load: () => Promise<Analyzer>,
    private readonly wasmDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.runs.forget(d.uri.toString());
        this.toldTooLarge.delete(d.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tollgate')) return;
        for (const u of this.runs.clear()) this.changed.fire(vscode.Uri.parse(u));
      }),
    );
  }

  /**
   * The analysis of this exact version of the document (cached). Asking for a newer version
   * cancels the run for the older one, which stops at its next step and yields undefined.
   */
  analyze(doc: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    return this.runs.get(doc.uri.toString(), doc.version, (token) => this.run(doc, token));
  }

  private async run(doc: vscode.TextDocument, token: RunToken): Promise<FileAnalysis | undefined> {
    const cfg = readConfig(doc.uri);
    const settings: AnalysisSettings = {
      comparisonModels: cfg.comparisonModels,
      defaultModel: cfg.defaultModel,
      severities: cfg.severities,
      promptGlobs: cfg.promptGlobs,
      wasmDir: this.wasmDir,
    };
    const text = doc.getText();
    const size = sizeVerdict(doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1), text);
    if (!size.analyse) {
      const key = doc.uri.toString();
      if (!this.toldTooLarge.has(key)) {
        this.toldTooLarge.add(key);
        this.log.info(size.message ?? '');
        void vscode.window.showInformationMessage(size.message ?? '');
      }
      return undefined;
    }
    try {
      this.analyzer ??= this.load();
      const analyze = await this.analyzer;
      if (token.isCancellationRequested) return undefined;
      const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
      const out = await analyze({ path, text, languageId: doc.languageId }, settings, token);
      return out.kind === 'unknown' ? undefined : out;
    } catch (e) {
      // A newer edit superseded this run (the error comes from the deferred bundle: match by name).
      if (e instanceof Error && e.name === 'AnalysisCancelled') return undefined;
      this.log.warn(`analysis of ${doc.uri.fsPath} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.runs.clear();
  }
}

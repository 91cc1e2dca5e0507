/**
 * One analysis per document version, shared by the CodeLens, diagnostics and code-action
 * providers. The analysis engine (tokenizer ranks, price data, tree-sitter) is loaded on first use,
 * not at activation, so activation stays cheap.
 */
import * as vscode from 'vscode';
import type { AnalysisSettings, FileAnalysis } from '@proxy/analysis/types';
import { readConfig } from '../config';
import { KNOWN_PROMPT_PATTERNS } from './promptPatterns';

export type Analyzer = (input: { path: string; text: string; languageId?: string }, settings: AnalysisSettings) => FileAnalysis | Promise<FileAnalysis>;

/** Languages whose files may contain LLM calls (the analyzer decides whether they do). */
export const CODE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'];
/** Prompt languages VS Code (or extensions) assign; `*.prompt.md` opens as `prompt`. */
export const PROMPT_LANGUAGES = ['prompt', 'prompty', 'instructions', 'chatmode'];

export function documentSelector(promptGlobs: string[]): vscode.DocumentSelector {
  return [
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'untitled' })),
    ...PROMPT_LANGUAGES.map((language) => ({ language })),
    ...[...KNOWN_PROMPT_PATTERNS, ...promptGlobs].map((pattern) => ({ pattern })),
  ];
}

interface Entry {
  version: number;
  result: Promise<FileAnalysis | undefined>;
}

export class DocumentAnalyses implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
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
      vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tollgate')) return;
        const uris = [...this.entries.keys()];
        this.entries.clear();
        for (const u of uris) this.changed.fire(vscode.Uri.parse(u));
      }),
    );
  }

  /** The analysis of this exact version of the document (cached). */
  analyze(doc: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    const key = doc.uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.version === doc.version) return hit.result;
    const result = this.run(doc);
    this.entries.set(key, { version: doc.version, result });
    return result;
  }

  /** The last finished analysis, if it is for this version. */
  async current(doc: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    const hit = this.entries.get(doc.uri.toString());
    return hit && hit.version === doc.version ? hit.result : undefined;
  }

  private async run(doc: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    const cfg = readConfig();
    const settings: AnalysisSettings = {
      comparisonModels: cfg.comparisonModels,
      defaultModel: cfg.defaultModel,
      severities: cfg.severities,
      promptGlobs: cfg.promptGlobs,
      wasmDir: this.wasmDir,
    };
    try {
      this.analyzer ??= this.load();
      const analyze = await this.analyzer;
      const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
      const out = await analyze({ path, text: doc.getText(), languageId: doc.languageId }, settings);
      return out.kind === 'unknown' ? undefined : out;
    } catch (e) {
      this.log.warn(`analysis of ${doc.uri.fsPath} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.entries.clear();
  }
}

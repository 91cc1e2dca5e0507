/**
 * One analysis per document version, shared by the CodeLens, diagnostics and code-action
 * providers; a newer version cancels the older run, and very large files are skipped with a
 * message (./scheduling.ts). The analysis engine (tokenizer ranks, price data, tree-sitter) is loaded on first use,
 * not at activation, so activation stays cheap.
 */
import * as vscode from 'vscode';
import type { AnalysisSettings, FileAnalysis } from '@proxy/analysis/types';
import { cellAnalysis, pythonOfCell } from '@proxy/analysis/code/notebook';
import { readConfig } from '../config';
import { cellContext, NOTEBOOK_CELL_SCHEME, notebookOf, type CellContext } from './notebookCells';
import { KNOWN_PROMPT_PATTERNS, selectorPattern } from './promptPatterns';
import { Debouncer, LatestRuns, sizeVerdict, type RunToken } from './scheduling';

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
    // Python cells of Jupyter notebooks, each analysed with the rest of its notebook (./notebookCells.ts).
    { language: 'python', scheme: NOTEBOOK_CELL_SCHEME },
    ...PROMPT_LANGUAGES.map((language) => ({ language })),
    ...[...KNOWN_PROMPT_PATTERNS, ...promptGlobs.map(selectorPattern)].map((pattern) => ({ pattern })),
  ];
}

export class DocumentAnalyses implements vscode.Disposable {
  private readonly runs = new LatestRuns<FileAnalysis | undefined>();
  /** One analysis of a notebook's whole program, shared by its cells (keyed by notebook URI). */
  private readonly programs = new LatestRuns<FileAnalysis | undefined>();
  /** Re-analysis of a notebook's other cells after an edit to one of them, once a burst of edits ends. */
  private readonly siblings = new Debouncer();
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
        this.programs.clear();
        for (const u of this.runs.clear()) this.changed.fire(vscode.Uri.parse(u));
      }),
      // A cell's analysis depends on the other cells: an edit to one (the MODEL constant, the client)
      // changes what the others' calls send. Those listeners re-ask for the other cells.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const notebook = notebookOf(e.document);
        if (notebook) this.notebookChanged(notebook, e.document.uri.toString(), readConfig(e.document.uri).debounceMs);
      }),
      { dispose: () => this.siblings.dispose() },
    );
    // Cells added, removed or moved (absent from stand-in `vscode` modules without notebooks).
    const ws = vscode.workspace as Partial<Pick<typeof vscode.workspace, 'onDidOpenNotebookDocument' | 'onDidChangeNotebookDocument' | 'onDidCloseNotebookDocument'>>;
    if (ws.onDidOpenNotebookDocument && ws.onDidChangeNotebookDocument && ws.onDidCloseNotebookDocument)
      this.disposables.push(
        // Cells may be asked for before their notebook is listed as open (then each is read alone): again, now.
        ws.onDidOpenNotebookDocument((nb) => this.notebookChanged(nb, undefined, 0)),
        ws.onDidChangeNotebookDocument((e) => {
          if (e.contentChanges.length > 0) this.notebookChanged(e.notebook, undefined, 0);
        }),
        ws.onDidCloseNotebookDocument((nb) => this.programs.forget(nb.uri.toString())),
      );
  }

  /** Tells listeners that the notebook's cells (but the one edited, which they re-ask for anyway) may have new results. */
  private notebookChanged(notebook: vscode.NotebookDocument, edited: string | undefined, delayMs: number): void {
    this.siblings.schedule(notebook.uri.toString(), delayMs, () => {
      for (const c of notebook.getCells()) if (c.document.uri.toString() !== edited) this.changed.fire(c.document.uri);
    });
  }

  /**
   * The analysis of this exact version of the document (cached). Asking for a newer version
   * cancels the run for the older one, which stops at its next step and yields undefined.
   */
  analyze(doc: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    const notebook = notebookOf(doc);
    if (notebook) {
      const cell = cellContext(doc, notebook);
      return this.runs.get(doc.uri.toString(), cell.version, (token) => this.runCell(cell, token));
    }
    // A cell whose notebook is not (or no longer) open is read alone, its IPython lines blanked all the same.
    const text = () => (doc.uri.scheme === NOTEBOOK_CELL_SCHEME ? pythonOfCell(doc.getText()) : doc.getText());
    return this.runs.get(doc.uri.toString(), doc.version, (token) => this.run(doc.uri, uriPath(doc.uri), text(), doc.languageId, token));
  }

  /** A cell's part of its notebook's analysis (the program is analysed once for all its cells). */
  private async runCell(cell: CellContext, token: RunToken): Promise<FileAnalysis | undefined> {
    const segment = cell.segment;
    if (!segment) return undefined;
    const nb = cell.notebook.uri;
    const program = await this.programs.get(nb.toString(), cell.version, (t) => this.run(nb, uriPath(nb), cell.program.text, 'python', t));
    return program && !token.isCancellationRequested ? cellAnalysis(program, segment) : undefined;
  }

  private async run(uri: vscode.Uri, path: string, text: string, languageId: string, token: RunToken): Promise<FileAnalysis | undefined> {
    const cfg = readConfig(uri);
    const settings: AnalysisSettings = {
      comparisonModels: cfg.comparisonModels,
      defaultModel: cfg.defaultModel,
      severities: cfg.severities,
      promptGlobs: cfg.promptGlobs,
      wasmDir: this.wasmDir,
    };
    const size = sizeVerdict(uri.path.slice(uri.path.lastIndexOf('/') + 1), text);
    if (!size.analyse) {
      const key = uri.toString();
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
      const out = await analyze({ path, text, languageId }, settings, token);
      return out.kind === 'unknown' ? undefined : out;
    } catch (e) {
      // A newer edit superseded this run (the error comes from the deferred bundle: match by name).
      if (e instanceof Error && e.name === 'AnalysisCancelled') return undefined;
      this.log.warn(`analysis of ${uri.fsPath} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.runs.clear();
    this.programs.clear();
  }
}

function uriPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.path;
}

/**
 * One analysis per document version, shared by the CodeLens, diagnostics and code-action
 * providers; a newer version cancels the older run, and very large files are skipped with a
 * message (./scheduling.ts). The analysis engine (tokenizer ranks, price data, tree-sitter) is loaded on first use,
 * not at activation, so activation stays cheap.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { AnalysisSettings, FileAnalysis } from '@proxy/analysis/types';
import { cellAnalysis, pythonOfCell } from '@proxy/analysis/code/notebook';
import { readConfig } from '../config';
import { INSTRUCTION_PEERS_GLOB, isInstructionDocument } from './instructionPeers';
import { notificationText } from '../util/notificationText';
import { cellContext, NOTEBOOK_CELL_SCHEME, notebookOf, type CellContext } from './notebookCells';
import { KNOWN_PROMPT_PATTERNS, selectorPattern } from './promptPatterns';
import { Debouncer, LatestRuns, sizeVerdict, type RunToken } from './scheduling';

export type Analyzer = (
  input: { path: string; text: string; languageId?: string },
  settings: AnalysisSettings,
  cancellation?: RunToken,
) => FileAnalysis | Promise<FileAnalysis>;

/** Languages whose files may contain LLM calls (the analyzer decides whether they do). */
export const CODE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java'];
/** Prompt languages VS Code (or extensions) assign; `*.prompt.md` opens as `prompt`. */
export const PROMPT_LANGUAGES = ['prompt', 'prompty', 'instructions', 'chatmode', 'chatagent'];

/**
 * Where prompt files are edited: on disk, unsaved, and VS Code's user data (user-level `*.prompt.md`
 * and `*.instructions.md` live in the profile's prompts folder). Not `git:` (the HEAD copy a diff or
 * the timeline opens, which would repeat each of the file's problems in the Problems panel), output
 * channels, chat code blocks or other extensions' virtual documents.
 */
export const PROMPT_SCHEMES = ['file', 'untitled', 'vscode-userdata'];

export function documentSelector(promptGlobs: string[]): vscode.DocumentSelector {
  const patterns = [...KNOWN_PROMPT_PATTERNS, ...promptGlobs.map(selectorPattern)];
  return [
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'file' })),
    ...CODE_LANGUAGES.map((language) => ({ language, scheme: 'untitled' })),
    // Python cells of Jupyter notebooks, each analysed with the rest of its notebook (./notebookCells.ts).
    { language: 'python', scheme: NOTEBOOK_CELL_SCHEME },
    ...PROMPT_SCHEMES.flatMap((scheme) => PROMPT_LANGUAGES.map((language) => ({ language, scheme }))),
    // An untitled document has no path for a pattern to match.
    ...PROMPT_SCHEMES.filter((s) => s !== 'untitled').flatMap((scheme) => patterns.map((pattern) => ({ pattern, scheme }))),
  ];
}

/** The settings an analysis reads (see run()); the CodeLens and diagnostics switches are their providers' business. */
const ANALYSIS_SETTINGS = ['tollgate.comparisonModels', 'tollgate.defaultModel', 'tollgate.rules.severity', 'tollgate.promptGlobs'];

export class DocumentAnalyses implements vscode.Disposable {
  private readonly runs = new LatestRuns<FileAnalysis | undefined>();
  /** One analysis of a notebook's whole program, shared by its cells (keyed by notebook URI). */
  private readonly programs = new LatestRuns<FileAnalysis | undefined>();
  /** Re-analysis of a notebook's other cells after an edit to one of them, once a burst of edits ends. */
  private readonly siblings = new Debouncer();
  /**
   * Documents too large to analyse, and whether the user was told (once per document, not per edit).
   * Logged when found; shown only once the document is on screen: VS Code also opens documents no
   * one looks at (a references peek, another extension reading a file), and a message about one of
   * those would be noise.
   */
  private readonly tooLarge = new Map<string, { message: string; told: boolean }>();
  /**
   * Each document's last finished analysis and a hash of the text it read (not the text: VS Code
   * holds that already). A new version with that same text (a character typed and deleted within
   * the debounce, undo back to it, a save whose formatter changed nothing) gets it back instead of a
   * full run: on a 5,000-line prompt one run is a tokenizer pass over the whole file and every rule.
   */
  private readonly lastRun = new Map<string, { hash: string; result: FileAnalysis | undefined }>();
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
        this.tooLarge.delete(d.uri.toString());
        this.lastRun.delete(d.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Only the settings the analysis reads: a new proxy port (which the extension itself writes when
        // the user picks another one), autoStart or the debounce leave every open file's results as
        // they are; re-analysing them all would be wasted work and blank their problems meanwhile.
        if (!ANALYSIS_SETTINGS.some((s) => e.affectsConfiguration(s))) return;
        this.programs.clear();
        this.lastRun.clear();
        for (const u of this.runs.clear()) this.changed.fire(vscode.Uri.parse(u));
      }),
      // A cell's analysis depends on the other cells: an edit to one (the MODEL constant, the client)
      // changes what the others' calls send. Those listeners re-ask for the other cells.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const notebook = notebookOf(e.document);
        if (notebook) this.notebookChanged(notebook, e.document.uri.toString(), readConfig(e.document.uri).debounceMs);
        // The run for the version before this edit is of no use to anyone: stop it at its next step
        // instead of letting it finish while the new version waits out the debounce.
        else this.runs.supersede(e.document.uri.toString(), e.document.version);
      }),
      { dispose: () => this.siblings.dispose() },
    );
    // An instruction file is analysed with its peers as they are on disk (./engine.ts): a peer saved,
    // or written by another program or a checkout, changes its findings with no edit of its own.
    const peers = vscode.workspace.createFileSystemWatcher(INSTRUCTION_PEERS_GLOB);
    const peerChanged = (u: vscode.Uri) => this.peerChanged(u);
    this.disposables.push(peers, peers.onDidChange(peerChanged), peers.onDidCreate(peerChanged), peers.onDidDelete(peerChanged));
    // Cells added, removed or moved (absent from stand-in `vscode` modules without notebooks).
    const ws = vscode.workspace as Partial<Pick<typeof vscode.workspace, 'onDidOpenNotebookDocument' | 'onDidChangeNotebookDocument' | 'onDidCloseNotebookDocument'>>;
    if (ws.onDidOpenNotebookDocument && ws.onDidChangeNotebookDocument && ws.onDidCloseNotebookDocument)
      this.disposables.push(
        // Cells may be asked for before their notebook is listed as open (then each is read alone): again, now.
        ws.onDidOpenNotebookDocument((nb) => this.notebookChanged(nb, undefined, 0)),
        ws.onDidChangeNotebookDocument((e) => {
          if (e.contentChanges.length > 0) this.notebookChanged(e.notebook, undefined, 0);
        }),
        ws.onDidCloseNotebookDocument((nb) => {
          this.programs.forget(nb.uri.toString());
          this.tooLarge.delete(nb.uri.toString());
        }),
      );
  }

  /** Tells listeners that the notebook's cells (but the one edited, which they re-ask for anyway) may have new results. */
  private notebookChanged(notebook: vscode.NotebookDocument, edited: string | undefined, delayMs: number): void {
    this.siblings.schedule(notebook.uri.toString(), delayMs, () => {
      for (const c of notebook.getCells()) if (c.document.uri.toString() !== edited) this.changed.fire(c.document.uri);
    });
  }

  /** Once a burst of changes ends (a checkout writes many files), the folder's open instruction files are analysed again. */
  private peerChanged(file: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.toString();
    if (!folder) return;
    this.siblings.schedule(`peers of ${folder}`, readConfig(file).debounceMs, () => {
      for (const d of vscode.workspace.textDocuments) {
        if (d.uri.scheme !== 'file' || !isInstructionDocument(d.uri.fsPath, d.languageId) || vscode.workspace.getWorkspaceFolder(d.uri)?.uri.toString() !== folder) continue;
        this.runs.forget(d.uri.toString());
        this.lastRun.delete(d.uri.toString());
        this.changed.fire(d.uri);
      }
    });
  }

  /**
   * The analysis of this exact version of the document (cached). Asking for a newer version
   * cancels the run for the older one, which stops at its next step and yields undefined. `token`:
   * the request's (CodeLens, code actions); the run stops once every request waiting for it is
   * cancelled, and never for a request without one (diagnostics).
   */
  analyze(doc: vscode.TextDocument, token?: RunToken): Promise<FileAnalysis | undefined> {
    const notebook = notebookOf(doc);
    if (notebook) {
      const cell = cellContext(doc, notebook);
      const result = this.runs.get(doc.uri.toString(), cell.version, (t) => this.runCell(cell, t), token);
      void result.then(() => this.tellTooLarge(notebook.uri, doc.uri), () => undefined);
      return result;
    }
    // A cell whose notebook is not (or no longer) open is read alone, its IPython lines blanked all the same.
    const key = doc.uri.toString();
    const result = this.runs.get(
      key,
      doc.version,
      async (t) => {
        const text = doc.uri.scheme === NOTEBOOK_CELL_SCHEME ? pythonOfCell(doc.getText()) : doc.getText();
        const hash = createHash('sha256').update(text).digest('base64');
        const last = this.lastRun.get(key);
        if (last?.hash === hash) return last.result;
        const out = await this.run(doc.uri, uriPath(doc.uri), text, doc.languageId, t);
        // A cancelled run's undefined is no answer for its text (nor is one the settings or a peer changed under).
        if (!t.isCancellationRequested) this.lastRun.set(key, { hash, result: out });
        return out;
      },
      token,
    );
    // Also when the result is the cached one: the document may have come on screen since.
    void result.then(() => this.tellTooLarge(doc.uri, doc.uri), () => undefined);
    return result;
  }

  /** `analysed`: the document or notebook found too large; `shown`: the document (or cell) asked for. */
  private tellTooLarge(analysed: vscode.Uri, shown: vscode.Uri): void {
    const entry = this.tooLarge.get(analysed.toString());
    if (!entry || entry.told) return;
    const key = shown.toString();
    if (!(vscode.window.visibleTextEditors ?? []).some((e) => e.document.uri.toString() === key)) return;
    entry.told = true;
    void vscode.window.showInformationMessage(notificationText(entry.message)); // quotes a file name
  }

  /** A cell's part of its notebook's analysis (the program is analysed once for all its cells). */
  private async runCell(cell: CellContext, token: RunToken): Promise<FileAnalysis | undefined> {
    const segment = cell.segment;
    if (!segment) return undefined;
    const nb = cell.notebook.uri;
    // The cell's run waits for the program's: the program stops once no cell's request wants it.
    const program = await this.programs.get(nb.toString(), cell.version, (t) => this.run(nb, uriPath(nb), cell.program.text, 'python', t), token);
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
      if (!this.tooLarge.has(key)) {
        this.tooLarge.set(key, { message: size.message ?? '', told: false });
        this.log.info(size.message ?? '');
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
    this.lastRun.clear();
  }
}

function uriPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.path;
}

/**
 * Notebook cells in the editor: each cell is a TextDocument of scheme `vscode-notebook-cell`, and
 * the extension's real DocumentAnalyses and quick-fix provider run on a stand-in `vscode` that has
 * open notebooks. A cell gets diagnostics, CodeLens and quick fixes, and what an earlier cell
 * defines (the client, the MODEL constant) counts, as it does when the kernel runs the cells.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { selectorMatches, world } from '../workspaces/world';

interface Edit {
  uri: { toString(): string };
  range: { start: { line: number; character: number } };
  newText: string;
}
type Listener = (e: unknown) => void;
const textChanges = new Set<Listener>();
const notebookChanges = new Set<Listener>();
const notebookOpens = new Set<Listener>();
const notebooks: unknown[] = [];

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('../workspaces/world');
  const vscode = await worldVscode(w);
  const keep = (set: Set<Listener>) => (l: Listener) => {
    set.add(l);
    return { dispose: () => set.delete(l) };
  };
  const ws = vscode.workspace as Record<string, unknown>;
  ws.notebookDocuments = notebooks;
  ws.onDidChangeTextDocument = keep(textChanges);
  ws.onDidChangeNotebookDocument = keep(notebookChanges);
  ws.onDidOpenNotebookDocument = keep(notebookOpens);
  ws.onDidCloseNotebookDocument = () => ({ dispose() {} });
  return {
    ...vscode,
    NotebookCellKind: { Markup: 1, Code: 2 },
    // Records the edits a quick fix makes.
    WorkspaceEdit: class {
      edits: Edit[] = [];
      replace(uri: Edit['uri'], range: Edit['range'], newText: string) {
        this.edits.push({ uri, range, newText });
      }
    },
  };
});

const vscode = (await import('vscode')) as unknown as { Diagnostic: new (r: unknown, m: string, s: number) => Record<string, unknown> };
const { DocumentAnalyses, documentSelector } = await import('../../../extension/src/analysis/documentAnalyses');
const { CostQuickFixes } = await import('../../../extension/src/diagnostics/costDiagnostics');
const { toRange } = await import('../../../extension/src/analysis/convert');
const { analyzeFile } = await import('../../../proxy/src/analysis/index');
type Analyzer = ConstructorParameters<typeof DocumentAnalyses>[0] extends () => Promise<infer A> ? A : never;
type Log = ConstructorParameters<typeof DocumentAnalyses>[2];

const root = join(__dirname, '../../..');
const nbPath = '/home/ana/experiments/eval.ipynb';

interface CellDoc {
  uri: { scheme: string; fsPath: string; path: string; toString(): string };
  fileName: string;
  languageId: string;
  version: number;
  isClosed: boolean;
  text: string;
  getText(): string;
}

function cellDoc(i: number, text: string, languageId: string): CellDoc {
  const d: CellDoc = {
    uri: { scheme: 'vscode-notebook-cell', fsPath: nbPath, path: nbPath, toString: () => `vscode-notebook-cell:${nbPath}#W${i}sZmlsZQ%3D%3D` },
    fileName: nbPath,
    languageId,
    version: 1,
    isClosed: false,
    text,
    getText: () => d.text,
  };
  return d;
}

/** An open notebook of these cells (`md:` cells are markdown). */
function openNotebook(sources: string[]): CellDoc[] {
  const docs = sources.map((s, i) => (s.startsWith('md:') ? cellDoc(i, s.slice(3), 'markdown') : cellDoc(i, s, 'python')));
  notebooks.length = 0;
  notebooks.push({
    uri: { scheme: 'file', fsPath: nbPath, path: nbPath, toString: () => `file://${nbPath}` },
    getCells: () => docs.map((document) => ({ kind: document.languageId === 'markdown' ? 1 : 2, document })),
  });
  world.documents.length = 0;
  world.documents.push(...docs);
  return docs;
}

function newAnalyses() {
  const analyzer: Analyzer = (input, settings, token) => analyzeFile(input, settings, token ? { cancellation: token } : {});
  return new DocumentAnalyses(async () => analyzer, join(root, 'dist', 'wasm'), { info() {}, warn() {} } as unknown as Log);
}

const CELLS = [
  'md:# Evaluating answers\nThe prompt is below.',
  '%pip install -q openai',
  'from openai import OpenAI\nclient = OpenAI()',
  'MODEL = "gpt-4o-mini"\nSYSTEM = """You are a grader.\n!Be strict.\n"""',
  '!ls data',
  'r = client.chat.completions.create(\n    model=MODEL,\n    messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": "2+2=5?"}],\n)\nr.choices[0].message.content',
];

describe('notebook cells in the editor', () => {
  it('the document selector takes Python notebook cells (not markdown cells)', () => {
    const sel = documentSelector([]);
    const [, , , , , call] = openNotebook(CELLS);
    expect(selectorMatches(sel, call!)).toBe(true);
    expect(selectorMatches(sel, cellDoc(0, '# x', 'markdown'))).toBe(false);
  });

  it('a cell gets its finding and CodeLens in its own lines, with the model and client of earlier cells', async () => {
    const docs = openNotebook(CELLS);
    const analyses = newAnalyses();
    try {
      const a = (await analyses.analyze(docs[5] as never))!;
      expect(a.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.character])).toEqual([['missing-output-limit', 0, 4]]);
      expect(a.diagnostics[0]!.message).toContain('gpt-4o-mini');
      expect(a.calls).toHaveLength(1);
      expect(a.calls[0]!.model).toBe('gpt-4o-mini');
      expect(a.calls[0]!.unseen).toBeUndefined();
      expect(a.calls[0]!.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
      // Cells without a call, and markdown, have nothing.
      expect((await analyses.analyze(docs[2] as never))?.calls ?? []).toEqual([]);
      expect(await analyses.analyze(docs[0] as never)).toBeUndefined();
    } finally {
      analyses.dispose();
    }
  });

  it('an edit to an earlier cell changes a later cell’s analysis, and the later cell is told to refresh', async () => {
    const docs = openNotebook(CELLS);
    const analyses = newAnalyses();
    const refreshed: string[] = [];
    analyses.onDidChange((u) => refreshed.push(u.toString()));
    try {
      expect((await analyses.analyze(docs[5] as never))!.calls[0]!.model).toBe('gpt-4o-mini');
      docs[3]!.text = docs[3]!.text.replace('gpt-4o-mini', 'gpt-4.1');
      docs[3]!.version++;
      for (const l of textChanges) l({ document: docs[3], contentChanges: [] });
      expect((await analyses.analyze(docs[5] as never))!.calls[0]!.model).toBe('gpt-4.1');
      await vi.waitFor(() => expect(refreshed).toContain(docs[5]!.uri.toString()));
      expect(refreshed).not.toContain(docs[3]!.uri.toString());
    } finally {
      analyses.dispose();
    }
  });

  it('quick fixes edit the cell: the limit goes into the call, and "disable" is a Python comment', async () => {
    const docs = openNotebook(CELLS);
    const analyses = newAnalyses();
    try {
      const cell = docs[5]!;
      const finding = (await analyses.analyze(cell as never))!.diagnostics[0]!;
      const d = new vscode.Diagnostic(toRange(finding.range), finding.message, 1);
      d.source = 'Tollgate';
      d.code = { value: finding.ruleId };
      const actions = await new CostQuickFixes(analyses).provideCodeActions(cell as never, toRange(finding.range), { diagnostics: [d] } as never);
      const edits = actions.map((a) => ({ title: a.title, edits: ((a.edit as unknown as { edits?: Edit[] } | undefined)?.edits ?? []) }));
      const add = edits.find((e) => e.title.startsWith('Add max_completion_tokens'))!;
      expect(add.edits.map((e) => [e.uri.toString(), e.range.start.line, e.newText])).toEqual([[cell.uri.toString(), 2, ',\n    max_completion_tokens=1024']]);
      const disable = edits.find((e) => e.title.startsWith('Disable'))!;
      expect(disable.edits.map((e) => e.newText)).toEqual(['# tollgate-disable-next-line missing-output-limit\n']);
    } finally {
      analyses.dispose();
    }
  });

  it('an untitled Python file’s "disable" fix is a Python comment too', async () => {
    const analyses = newAnalyses();
    try {
      const text = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n';
      const doc = { uri: { scheme: 'untitled', fsPath: 'Untitled-1', path: 'Untitled-1', toString: () => 'untitled:Untitled-1' }, fileName: 'Untitled-1', languageId: 'python', version: 1, isClosed: false, getText: () => text };
      const finding = (await analyses.analyze(doc as never))!.diagnostics[0]!;
      const d = new vscode.Diagnostic(toRange(finding.range), finding.message, 1);
      d.source = 'Tollgate';
      d.code = { value: finding.ruleId };
      const actions = await new CostQuickFixes(analyses).provideCodeActions(doc as never, toRange(finding.range), { diagnostics: [d] } as never);
      const disable = actions.find((a) => a.title.startsWith('Disable'))!;
      expect((disable.edit as unknown as { edits: Edit[] }).edits.map((e) => e.newText)).toEqual(['# tollgate-disable-next-line missing-output-limit\n']);
    } finally {
      analyses.dispose();
    }
  });
});

describe('a notebook cell whose notebook is not open', () => {
  it('is read alone, its IPython lines not taken for Python', async () => {
    notebooks.length = 0;
    const analyses = newAnalyses();
    try {
      const cell = cellDoc(7, '!pip install openai\nfrom openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])', 'python');
      const a = (await analyses.analyze(cell as never))!;
      expect(a.diagnostics.map((d) => [d.ruleId, d.range.start.line])).toEqual([['missing-output-limit', 2]]);
      // `%%writefile` writes a file; the kernel runs none of the cell.
      const written = cellDoc(8, '%%writefile helper.py\nfrom openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])', 'python');
      expect((await analyses.analyze(written as never))?.diagnostics ?? []).toEqual([]);
    } finally {
      analyses.dispose();
    }
  });

  it('is read with its notebook once the notebook is open', async () => {
    notebooks.length = 0;
    const analyses = newAnalyses();
    const refreshed: string[] = [];
    analyses.onDidChange((u) => refreshed.push(u.toString()));
    try {
      const docs = openNotebook(CELLS);
      const nb = notebooks.splice(0, 1)[0];
      // Asked for while its notebook is not yet listed: MODEL (cell 4) unseen, the default model assumed.
      expect((await analyses.analyze(docs[5] as never))!.calls[0]!.unseen).toEqual(['model']);
      notebooks.push(nb);
      for (const l of notebookOpens) l(nb);
      await vi.waitFor(() => expect(refreshed).toContain(docs[5]!.uri.toString()));
      expect((await analyses.analyze(docs[5] as never))!.calls[0]!.model).toBe('gpt-4o-mini');
    } finally {
      analyses.dispose();
    }
  });
});

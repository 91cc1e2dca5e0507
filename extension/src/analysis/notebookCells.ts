/**
 * Notebook cells in the editor. Each cell is its own TextDocument (scheme `vscode-notebook-cell`), but
 * the kernel runs the cells as one program: the client or the `MODEL` constant a call in cell 5 uses
 * was made in cell 2. So a cell is analysed as part of its notebook's Python program (the engine's
 * code/notebook.ts), and the result is sliced to the cell.
 */
import * as vscode from 'vscode';
import { notebookProgram, type CellSegment, type NotebookProgram } from '@proxy/analysis/code/notebook';

export const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

export interface CellContext {
  notebook: vscode.NotebookDocument;
  program: NotebookProgram;
  /** Where this cell is in the program; undefined when the cell is not Python (markdown, `%%bash`…). */
  segment: CellSegment | undefined;
  /** Changes whenever any cell of the notebook changes, is added, removed or moved. */
  version: string;
}

/** The notebook a cell document belongs to (open notebooks only). */
export function notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (doc.uri.scheme !== NOTEBOOK_CELL_SCHEME) return undefined;
  const key = doc.uri.toString();
  // `notebookDocuments` is absent from stand-in `vscode` modules without notebooks.
  return (vscode.workspace.notebookDocuments ?? []).find((nb) => nb.getCells().some((c) => c.document.uri.toString() === key));
}

export function isPythonCell(cell: vscode.NotebookCell): boolean {
  return cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python';
}

/** The program of the cell's notebook and the cell's place in it. */
export function cellContext(doc: vscode.TextDocument, notebook: vscode.NotebookDocument): CellContext {
  const cells = notebook.getCells();
  const key = doc.uri.toString();
  const program = notebookProgram(cells.map((c) => ({ source: c.document.getText(), python: isPythonCell(c) })));
  const index = cells.findIndex((c) => c.document.uri.toString() === key);
  return {
    notebook,
    program,
    segment: program.segments.find((s) => s.cell === index),
    version: cells.map((c) => `${c.document.uri.toString()}@${c.document.version}:${isPythonCell(c) ? 'py' : '-'}`).join('|'),
  };
}

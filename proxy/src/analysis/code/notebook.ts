/**
 * Jupyter notebooks (nbformat 4 `.ipynb`). The kernel runs a notebook's code cells as one program,
 * in order — a client made in cell 2 and a prompt constant from cell 3 are what cell 5's call sends —
 * so the Python cells are analysed together as one program text, with IPython syntax (`%magic`,
 * `!shell`, `%%cell` magics, `x = !cmd`, `obj?`) blanked out at the same length so that every
 * offset of a cell is an offset of the program. Findings then go back to where the cell is written:
 * positions in the `.ipynb` JSON text for `tollgate lint` (what SARIF regions and fixes index), or
 * positions in the cell for the editor (each cell is its own document there). Pure (no `vscode`).
 */
import { LineIndex } from '../text/line-index';
import type { CostLens, FileAnalysis, Finding, Position, QuickFix, Range, TextEdit } from '../types';

export function isNotebookPath(path: string): boolean {
  return /\.ipynb$/i.test(path);
}

/** A JSON string literal of the file: `start`/`end` bound its content (inside the quotes). */
interface JsonString {
  kind: 'string';
  start: number;
  end: number;
}
type JsonValue = JsonString | { kind: 'array'; items: JsonValue[] } | { kind: 'object'; entries: Map<string, JsonValue> } | { kind: 'other' };

class JsonScanner {
  at = 0;
  constructor(readonly text: string) {}

  private ws(): void {
    while (this.at < this.text.length && ' \t\r\n\uFEFF'.includes(this.text[this.at]!)) this.at++;
  }

  /** The value at `at`, or undefined when the text is not JSON (or nests deeper than a notebook does). */
  value(depth = 0): JsonValue | undefined {
    if (depth > 256) return undefined;
    this.ws();
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '[') {
      this.at++;
      const items: JsonValue[] = [];
      this.ws();
      if (this.text[this.at] === ']') {
        this.at++;
        return { kind: 'array', items };
      }
      for (;;) {
        const v = this.value(depth + 1);
        if (!v) return undefined;
        items.push(v);
        this.ws();
        const sep = this.text[this.at++];
        if (sep === ']') return { kind: 'array', items };
        if (sep !== ',') return undefined;
      }
    }
    if (c === '{') {
      this.at++;
      const entries = new Map<string, JsonValue>();
      this.ws();
      if (this.text[this.at] === '}') {
        this.at++;
        return { kind: 'object', entries };
      }
      for (;;) {
        this.ws();
        const key = this.text[this.at] === '"' ? this.string() : undefined;
        this.ws();
        if (!key || this.text[this.at++] !== ':') return undefined;
        const v = this.value(depth + 1);
        if (!v) return undefined;
        entries.set(decodeJsonString(this.text, key).value, v);
        this.ws();
        const sep = this.text[this.at++];
        if (sep === '}') return { kind: 'object', entries };
        if (sep !== ',') return undefined;
      }
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.at, this.at + 64));
    if (!m) return undefined;
    this.at += m[0].length;
    return { kind: 'other' };
  }

  /** Skips a string without decoding it (outputs hold megabytes of base64 images). */
  private string(): JsonString | undefined {
    const start = this.at + 1;
    let i = start;
    for (;;) {
      const q = this.text.indexOf('"', i);
      if (q < 0) return undefined;
      let slashes = 0;
      for (let j = q - 1; j >= start && this.text[j] === '\\'; j--) slashes++;
      if (slashes % 2 === 0) {
        this.at = q + 1;
        return { kind: 'string', start, end: q };
      }
      i = q + 1;
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A string literal's value and, for each of its UTF-16 units (and its end), the file offset it is written at. */
function decodeJsonString(text: string, s: JsonString): { value: string; offsets: number[] } {
  let value = '';
  const offsets: number[] = [];
  for (let i = s.start; i < s.end; ) {
    offsets.push(i);
    if (text[i] !== '\\') {
      value += text[i++];
      continue;
    }
    const e = text[i + 1] ?? '';
    if (e === 'u') {
      value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16) || 0);
      i += 6;
    } else {
      value += SIMPLE_ESCAPES[e] ?? e;
      i += 2;
    }
  }
  offsets.push(s.end);
  return { value, offsets };
}

export interface NotebookCell {
  type: string;
  /** The cell's language: its own (VS Code's `metadata.vscode.languageId`) or the notebook kernel's. */
  language: string | undefined;
  source: string;
  /** File offset of each UTF-16 unit of `source`, and of its end. */
  offsets: number[];
  /** `source` written as a list of lines (the usual form) rather than one string. */
  lines: boolean;
}

export interface ParsedNotebook {
  cells: NotebookCell[];
}

function field(v: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur = v;
  for (const k of path) cur = cur?.kind === 'object' ? cur.entries.get(k) : undefined;
  return cur;
}

function stringField(text: string, v: JsonValue | undefined, ...path: string[]): string | undefined {
  const f = field(v, ...path);
  return f?.kind === 'string' ? decodeJsonString(text, f).value : undefined;
}

/** The cells of an nbformat 4 notebook, or undefined when the text is not one. */
export function readNotebook(text: string): ParsedNotebook | undefined {
  const scanner = new JsonScanner(text);
  const root = scanner.value();
  const cells = field(root, 'cells');
  if (cells?.kind !== 'array') return undefined;
  const kernel = stringField(text, root, 'metadata', 'kernelspec', 'language') ?? stringField(text, root, 'metadata', 'language_info', 'name');
  const out: NotebookCell[] = [];
  for (const c of cells.items) {
    const source = field(c, 'source');
    const pieces = source?.kind === 'string' ? [source] : source?.kind === 'array' ? source.items : [];
    let value = '';
    const offsets: number[] = [];
    for (const p of pieces) {
      if (p.kind !== 'string') continue;
      const d = decodeJsonString(text, p);
      value += d.value;
      // A position between two list items is the start of the later one.
      if (offsets.length) offsets.pop();
      offsets.push(...d.offsets);
    }
    if (offsets.length === 0) offsets.push(source?.kind === 'string' ? source.start : 0);
    out.push({
      type: stringField(text, c, 'cell_type') ?? 'code',
      language: stringField(text, c, 'metadata', 'vscode', 'languageId') ?? kernel,
      source: value,
      offsets,
      lines: source?.kind === 'array',
    });
  }
  return { cells: out };
}

/** Whether a cell is Python code: a code cell of a Python kernel (or of a notebook that names none). */
export function isPythonCell(cell: Pick<NotebookCell, 'type' | 'language'>): boolean {
  return cell.type === 'code' && (cell.language === undefined || /^(python|ipython)\d*$/i.test(cell.language));
}

/** Cell magics whose body is Python the kernel runs (`%%time` and friends); any other (`%%bash`, `%%writefile`, `%%sql`) is not Python. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'mprun', 'snakeviz', 'scalene', 'ipytest']);

const blank = (s: string): string => s.replace(/[^\r\n]/g, ' ');

/** A Databricks notebook's cell in another language: `%sql`, `%md`, `%scala`, `%r`, `%sh`, `%fs` alone on the first line. */
const OTHER_LANGUAGE_CELL = /^\s*%(sql|md|markdown|scala|r|sh|fs)\s*$/i;

/** Line magics that time or profile the Python statement after them (`%time r = client…`, `%timeit -n1 f()`). */
const STATEMENT_MAGIC = /^(\s*)(%(?:time|timeit|prun|memit|debug)(?:\s+-\w+(?:\s+\d+)?)*\s+)(?=\S)/;

/**
 * A cell's source as plain Python, at the same length (every offset kept): IPython lines — `%magic`,
 * `!cmd`, `x = !cmd`, `obj?` — become blanks (a `= !cmd` value becomes `0`), and a cell whose
 * `%%magic` runs another language is blank. A line is only read as IPython where a statement starts,
 * never inside a triple-quoted prompt or an open bracket (a prompt line may begin with `!` or `%`).
 */
export function pythonOfCell(source: string): string {
  const lines = source.split('\n');
  const cellMagic = /^\s*%%(\w+)/.exec(lines[0] ?? '');
  if (OTHER_LANGUAGE_CELL.test(lines[0] ?? '')) return blank(source);
  if (cellMagic) {
    if (!PYTHON_CELL_MAGICS.has(cellMagic[1]!)) return blank(source);
    lines[0] = blank(lines[0]!);
  }
  const state: LexState = { depth: 0, quote: undefined, continued: false };
  const out = lines.map((line) => {
    const atStatement = state.depth === 0 && !state.quote && !state.continued;
    let py = line;
    if (atStatement) {
      const assigned = /^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]/.exec(line);
      const timed = STATEMENT_MAGIC.exec(line);
      // `if 1:` runs the statement after it, at the magic's length (`%time ` is 6 characters, `if 1:` 5).
      if (timed) py = `${timed[1]}${'if 1:'.padEnd(timed[2]!.length)}${line.slice(timed[0].length)}`;
      else if (/^\s*[!%]/.test(line)) py = blank(line);
      else if (assigned) py = `${assigned[1]}0${blank(line.slice(assigned[1]!.length + 1))}`;
      else if (/^\s*\?{1,2}[\w.]+\s*$|^\s*[\w.]+\?{1,2}\s*$/.test(line)) py = line.replace(/\?/g, ' ');
    }
    lex(py, state);
    return py;
  });
  // A bracket or a triple-quoted string still open at the cell's end is a SyntaxError: the kernel runs
  // nothing of the cell, and read on into the next cells it would swallow their calls.
  if (state.depth > 0 || (state.quote && state.quote.length === 3)) return blank(source);
  return out.join('\n');
}

interface LexState {
  depth: number;
  /** The open string's quote (`'''`, `"""`, or a single quote of an unterminated line). */
  quote: string | undefined;
  /** The line ended with a backslash continuation. */
  continued: boolean;
}

/** Enough of Python's tokenizer to know, at a line's end, whether a bracket or a triple-quoted string is still open. */
function lex(line: string, st: LexState): void {
  st.continued = false;
  let i = 0;
  while (i < line.length) {
    if (st.quote) {
      const close = line.indexOf(st.quote, i);
      let j = close;
      // An escaped quote does not close the string.
      while (j > 0 && countBackslashes(line, j) % 2 === 1) j = line.indexOf(st.quote, j + 1);
      if (j < 0) {
        // A single-quoted string cannot span lines (unless continued with a backslash).
        if (st.quote.length === 1 && !line.endsWith('\\')) st.quote = undefined;
        return;
      }
      i = j + st.quote.length;
      st.quote = undefined;
      continue;
    }
    const c = line[i]!;
    if (c === '#') return;
    if (c === '"' || c === "'") {
      st.quote = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += st.quote.length;
      continue;
    }
    if ('([{'.includes(c)) st.depth++;
    else if (')]}'.includes(c)) st.depth = Math.max(0, st.depth - 1);
    i++;
  }
  st.continued = line.endsWith('\\');
}

function countBackslashes(line: string, at: number): number {
  let n = 0;
  for (let j = at - 1; j >= 0 && line[j] === '\\'; j--) n++;
  return n;
}

/** Where one Python cell sits in the program text. */
export interface CellSegment {
  /** Index of the cell in the notebook (all cells, from 0). */
  cell: number;
  offset: number;
  length: number;
  line: number;
  lines: number;
}

export interface NotebookProgram {
  text: string;
  segments: CellSegment[];
}

/** The Python cells (`python` false: skipped) as one program, in order, each starting on a new line. */
export function notebookProgram(cells: Array<{ source: string; python: boolean }>): NotebookProgram {
  let text = '';
  let line = 0;
  const segments: CellSegment[] = [];
  cells.forEach((c, cell) => {
    if (!c.python) return;
    const py = pythonOfCell(c.source);
    const lines = new LineIndex(py).positionAt(py.length).line + 1;
    segments.push({ cell, offset: text.length, length: py.length, line, lines });
    // A cell ends its last statement: the next cell starts on a line of its own.
    text += `${py}\n`;
    line += lines;
  });
  return { text, segments };
}

function inSegment(r: Range, s: CellSegment): boolean {
  return r.start.line >= s.line && r.end.line < s.line + s.lines;
}

const shift = (r: Range, by: number): Range => ({ start: { line: r.start.line - by, character: r.start.character }, end: { line: r.end.line - by, character: r.end.character } });

/**
 * The part of a program's analysis that is about one cell, in the cell's own positions (for the
 * editor, where each cell is a document): its findings and CostLenses. A message written in another
 * cell points at the call; a fix that edits another cell is left out (an edit applies to this cell).
 */
export function cellAnalysis(program: FileAnalysis, segment: CellSegment): FileAnalysis {
  const calls: CostLens[] = program.calls
    .filter((l) => inSegment(l.range, segment))
    .map((l) => ({ ...l, range: shift(l.range, segment.line), perMessage: l.perMessage.map((m) => ({ ...m, range: shift(inSegment(m.range, segment) ? m.range : l.range, segment.line) })) }));
  const diagnostics: Finding[] = program.diagnostics
    .filter((f) => inSegment(f.range, segment))
    .map((f) => ({
      ...f,
      range: shift(f.range, segment.line),
      fixes: f.fixes.filter((x) => x.edits.every((e) => inSegment(e.range, segment))).map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: shift(e.range, segment.line) })) })),
    }));
  return { ...program, calls, diagnostics };
}

/**
 * A program's analysis in positions of the `.ipynb` file itself: what SARIF regions and fix offsets
 * index, and what `--format json` and a CI annotation point at. Each finding's message says its cell
 * and line (1-based, cells counted as the editor counts them) for a reader of the notebook.
 */
export function notebookFileAnalysis(program: FileAnalysis, prog: NotebookProgram, nb: ParsedNotebook, fileText: string): FileAnalysis {
  const progLines = new LineIndex(prog.text);
  const fileLines = new LineIndex(fileText);
  const locate = (p: Position): { segment: CellSegment; at: number } | undefined => {
    const offset = progLines.offsetAt(p);
    const segment = prog.segments.find((s) => offset >= s.offset && offset <= s.offset + s.length);
    return segment ? { segment, at: offset - segment.offset } : undefined;
  };
  const fileOffset = (p: Position): number | undefined => {
    const l = locate(p);
    return l ? nb.cells[l.segment.cell]!.offsets[l.at] : undefined;
  };
  const range = (r: Range): Range | undefined => {
    const a = fileOffset(r.start);
    const b = fileOffset(r.end);
    return a === undefined || b === undefined ? undefined : fileLines.range(a, Math.max(a, b));
  };
  const edit = (e: TextEdit): TextEdit | undefined => {
    const r = range(e.range);
    const l = locate(e.range.start);
    if (!r || !l) return undefined;
    return { range: r, newText: jsonStringContent(e.newText, nb.cells[l.segment.cell]!.lines ? listIndent(fileText, fileLines.offsetAt(r.start)) : undefined) };
  };
  const calls = program.calls.flatMap((l) => {
    const r = range(l.range);
    return r ? [{ ...l, range: r, perMessage: l.perMessage.map((m) => ({ ...m, range: range(m.range) ?? r })) }] : [];
  });
  const diagnostics = program.diagnostics.flatMap((f) => {
    const r = range(f.range);
    const l = locate(f.range.start);
    if (!r || !l) return [];
    const cellLine = progLines.positionAt(l.segment.offset + l.at).line - l.segment.line;
    const fixes: QuickFix[] = f.fixes.flatMap((x) => {
      const edits = x.edits.map(edit);
      return edits.every((e): e is TextEdit => !!e) ? [{ ...x, edits }] : [];
    });
    return [{ ...f, range: r, message: `${f.message} (cell ${l.segment.cell + 1}, line ${cellLine + 1})`, fixes }];
  });
  return { ...program, calls, diagnostics };
}

/** The indentation of the list item (a source line) the file offset is in. */
function listIndent(fileText: string, offset: number): string {
  const lineStart = fileText.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(fileText.slice(lineStart))![0];
}

/**
 * Text inserted into a JSON string literal, escaped. In a source written as a list of lines, a
 * line break also ends the list item and starts the next (`…,\n",` / `"    max_tokens=…`), so the
 * notebook keeps Jupyter's one-line-per-item form.
 */
function jsonStringContent(text: string, indent: string | undefined): string {
  const escaped = (s: string) => JSON.stringify(s).slice(1, -1);
  if (indent === undefined) return escaped(text);
  return text
    .split(/(?<=\n)/)
    .map(escaped)
    .join(`",\n${indent}"`);
}

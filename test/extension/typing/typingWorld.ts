/**
 * A stand-in VS Code window in which documents are opened, typed into one keystroke at a time
 * (change events with versions) and closed, for driving the extension's real analysis, CodeLens and
 * diagnostics providers. Built on the shared world (test/extension/workspaces/world.ts); each test
 * file builds the `vscode` module in its `vi.mock('vscode')` factory with typingVscode().
 */
import { matchesGlob } from 'node:path';
import { worldVscode, type World } from '../workspaces/world';

type Listener = (e: unknown) => unknown;

export interface TypingDoc {
  uri: { scheme: string; fsPath: string; path: string; toString(): string };
  fileName: string;
  languageId: string;
  version: number;
  isClosed: boolean;
  text: string;
  getText(): string;
}

/** A file-system watcher the extension created: its glob and its listeners. */
interface Watcher {
  glob: string;
  change: Set<Listener>;
  create: Set<Listener>;
  delete: Set<Listener>;
}

export interface Typing {
  opens: Set<Listener>;
  changes: Set<Listener>;
  closes: Set<Listener>;
  watchers: Set<Watcher>;
}

export const typing: Typing & { visible: TypingDoc[] } = { opens: new Set(), changes: new Set(), closes: new Set(), watchers: new Set(), visible: [] };

export async function typingVscode(world: World): Promise<Record<string, unknown>> {
  const vscode = await worldVscode(world);
  const keep = (set: Set<Listener>) => (l: Listener) => {
    set.add(l);
    return { dispose: () => set.delete(l) };
  };
  const ws = vscode.workspace as Record<string, unknown>;
  ws.onDidOpenTextDocument = keep(typing.opens);
  ws.onDidChangeTextDocument = keep(typing.changes);
  ws.onDidCloseTextDocument = keep(typing.closes);
  // File-system watchers over a string glob, fired by fileEvent() as VS Code fires them for a save or a write by another program.
  ws.createFileSystemWatcher = (glob: string) => {
    const w: Watcher = { glob, change: new Set(), create: new Set(), delete: new Set() };
    typing.watchers.add(w);
    return { onDidChange: keep(w.change), onDidCreate: keep(w.create), onDidDelete: keep(w.delete), dispose: () => typing.watchers.delete(w) };
  };
  // The documents on screen (vscode.window.visibleTextEditors).
  Object.defineProperty(vscode.window as Record<string, unknown>, 'visibleTextEditors', { get: () => typing.visible.map((document) => ({ document })) });
  const uri = vscode.Uri as Record<string, unknown>;
  uri.parse = (s: string) => {
    const m = /^([a-z][\w+.-]*):(?:\/\/)?(.*)$/i.exec(s);
    const scheme = m?.[1] ?? 'file';
    const path = m?.[2] ?? s;
    return { scheme, path, fsPath: path, toString: () => s };
  };
  return vscode;
}

export function doc(path: string, text: string, languageId: string, scheme = 'file'): TypingDoc {
  const d: TypingDoc = {
    uri: { scheme, fsPath: path, path, toString: () => (scheme === 'file' ? `file://${path}` : `${scheme}:${path}`) },
    fileName: path,
    languageId,
    version: 1,
    isClosed: false,
    text,
    getText: () => d.text,
  };
  return d;
}

export function open(world: World, d: TypingDoc): void {
  world.documents.push(d);
  for (const l of [...typing.opens]) l(d);
}

/** One keystroke: `ch` typed at the end of line `line`, a new version, a change event. */
export function keystroke(d: TypingDoc, line: number, ch: string): void {
  const lines = d.text.split('\n');
  lines[line] = `${lines[line] ?? ''}${ch}`;
  d.text = lines.join('\n');
  d.version++;
  for (const l of [...typing.changes]) l({ document: d, contentChanges: [{ text: ch }], reason: undefined });
}

/** A file written, created or deleted on disk: every watcher whose glob matches the path hears of it. */
export function fileEvent(path: string, kind: 'change' | 'create' | 'delete'): void {
  const u = { scheme: 'file', fsPath: path, path, toString: () => `file://${path}` };
  for (const w of [...typing.watchers]) if (matchesGlob(path, w.glob)) for (const l of [...w[kind]]) l(u);
}

export function close(world: World, d: TypingDoc): void {
  const i = world.documents.indexOf(d);
  if (i >= 0) world.documents.splice(i, 1);
  d.isClosed = true;
  for (const l of [...typing.closes]) l(d);
}

/** A 1,500-line-ish prompt file with a front matter model. */
export function bigPromptText(lines: number): string {
  const out = ['---', 'model: gpt-4o', '---'];
  for (let i = 0; out.length < lines; i++)
    out.push(`## Case ${i}`, '', `When asked about case ${i % 40}, answer from the handbook and cite the paragraph.`, 'Please keep the answer short and list all the details.', '');
  return `${out.slice(0, lines).join('\n')}\n`;
}

/** A TypeScript file of `lines` lines with `calls` chat-completion calls spread through it. */
export function bigTsText(lines: number, calls: number): string {
  const out = ["import OpenAI from 'openai';", 'const client = new OpenAI();', ''];
  const every = Math.floor((lines - 3) / calls);
  let made = 0;
  while (out.length < lines) {
    if (made < calls && (out.length - 3) % every === 0) {
      out.push(
        `export async function ask${made}(question: string): Promise<string | null> {`,
        '  const r = await client.chat.completions.create({',
        "    model: 'gpt-4o-mini',",
        `    messages: [{ role: 'system', content: 'You are assistant number ${made}. Answer briefly.' }, { role: 'user', content: question }],`,
        '  });',
        '  return r.choices[0]?.message.content ?? null;',
        '}',
      );
      made++;
    } else out.push(`export const value${out.length} = ${out.length} * 2; // filler`);
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

/** The same for Python. */
export function bigPyText(lines: number, calls: number): string {
  const out = ['from openai import OpenAI', 'client = OpenAI()', ''];
  const every = Math.floor((lines - 3) / calls);
  let made = 0;
  while (out.length < lines) {
    if (made < calls && (out.length - 3) % every === 0) {
      out.push(
        `def ask${made}(question):`,
        '    r = client.chat.completions.create(',
        '        model="gpt-4o-mini",',
        `        messages=[{"role": "system", "content": "You are assistant number ${made}."}, {"role": "user", "content": question}],`,
        '    )',
        '    return r.choices[0].message.content',
        '',
      );
      made++;
    } else out.push(`value${out.length} = ${out.length} * 2  # filler`);
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

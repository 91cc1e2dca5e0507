/**
 * Files in languages lint does not read (C#, Ruby, …) got no CodeLens, no findings and no word, so
 * an empty editor read as "all good" where `tollgate lint` names them as skipped. One note per
 * language per workspace, from lint's own list, on real files, without loading the deferred bundle
 * (the analysis engine) that lint's collector lives in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { world } from './workspaces/world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./workspaces/world');
  return worldVscode(w);
});
const deferredLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../extension/src/deferred/load', async () => {
  const { collectFiles } = await import('../../proxy/src/analysis/workspace/collect');
  return {
    loadDeferred: () => {
      deferredLoads.count++;
      return { collectFiles };
    },
  };
});

const vscode = await import('vscode');
const { noteUnreadLanguages } = await import('../../extension/src/diagnostics/unreadLanguages');

const dir = mkdtempSync(join(tmpdir(), 'tollgate unread languages '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => {
  writeFileSync(join(dir, name), '// client.chat.completions.create(model: "gpt-4o")\n');
  return { uri: { scheme: 'file', fsPath: join(dir, name) }, languageId: 'plaintext' };
};
const opened = new Set<(d: unknown) => void>();
Object.assign(vscode.workspace, {
  onDidOpenTextDocument: (l: (d: unknown) => void) => {
    opened.add(l);
    return { dispose: () => opened.delete(l) };
  },
});
const open = (d: unknown) => {
  for (const l of opened) l(d);
};
const memento = () => {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] };
};

describe('a file in a language lint does not read', () => {
  it('is said once per language per workspace, naming it as lint does; read languages and other schemes are not', async () => {
    world.documents.push(file('Program.cs'));
    const state = memento();
    const note = noteUnreadLanguages(state as never);
    await new Promise((r) => setTimeout(r, 0));
    open(file('Other.CS'));
    open(file('app.ts'));
    open(file('notes.md'));
    open({ uri: { scheme: 'untitled', fsPath: 'Untitled-1.rb' }, languageId: 'ruby' });
    open(file('client.rb'));
    note.dispose();
    expect(world.shown.map((s) => [s.level, s.text])).toEqual([
      ['info', 'Tollgate: C# (.cs) is not analysed: lint reads TypeScript, JavaScript, Python, Go and Java code. These files get no cost CodeLens or findings; the proxy still records and prices their calls.'],
      ['info', 'Tollgate: Ruby (.rb) is not analysed: lint reads TypeScript, JavaScript, Python, Go and Java code. These files get no cost CodeLens or findings; the proxy still records and prices their calls.'],
    ]);
    // The window reloaded on the same workspace: nothing said again.
    const again = noteUnreadLanguages(state as never);
    await new Promise((r) => setTimeout(r, 0));
    open(file('client.rb'));
    again.dispose();
    expect(world.shown).toHaveLength(2);
    expect(opened.size).toBe(0);
    expect(deferredLoads.count).toBe(0);
  });
  it('a document whose file is gone from disk throws nothing: its language is noted as for any other', async () => {
    world.documents.length = 0;
    const before = world.shown.length;
    const note = noteUnreadLanguages(memento() as never);
    await new Promise((r) => setTimeout(r, 0));
    expect(() => open({ uri: { scheme: 'file', fsPath: join(dir, 'deleted since.swift') }, languageId: 'swift' })).not.toThrow();
    note.dispose();
    expect(world.shown.slice(before).map((s) => s.text)).toEqual([
      'Tollgate: Swift (.swift) is not analysed: lint reads TypeScript, JavaScript, Python, Go and Java code. These files get no cost CodeLens or findings; the proxy still records and prices their calls.',
    ]);
    expect(deferredLoads.count).toBe(0);
  });
});

/**
 * "Tollgate: Create Starter Policy" on real folders. A policy that cannot be written (a read-only
 * folder, a full disk, a file named `.tollgate`) is a notice naming the file and the reason in the
 * words Export Policy uses, not VS Code's "Running the contributed command … failed". A folder whose
 * policy is `.tollgate/policy.yml` keeps it: a `policy.yaml` written beside it would take its place
 * (the proxy reads `.yaml` first). Tests run as root, so the failure is a path through a regular file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { addFolder, fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const vscode = await import('vscode');
const { registerCreatePolicy } = await import('../../../extension/src/commands/createPolicy');
const { STARTER_POLICY } = await import('../../../extension/src/policy/starterPolicy');

// VS Code's editor. The command writes with node:fs on the real disk (the stand-in's workspace.fs is
// empty: a command that went back to it would fail here, not pass on a stub).
const opened: string[] = [];
Object.assign(vscode.window, { showTextDocument: async (u: { fsPath: string }) => void opened.push(u.fsPath) });

const dir = mkdtempSync(join(tmpdir(), 'tollgate create policy '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  world.folders.splice(0);
  world.shown.splice(0);
  opened.splice(0);
});

async function createPolicyIn(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  addFolder(world, folder);
  const proxy = await newController(ext, join(dir, 'storage'));
  const command = registerCreatePolicy(proxy);
  try {
    await world.commands.get('tollgate.createPolicy')?.();
  } finally {
    command.dispose();
    proxy.dispose();
  }
}

describe('Create Starter Policy', () => {
  it('writes the starter policy and opens it', async () => {
    const folder = join(dir, 'plain');
    await createPolicyIn(folder);
    const file = join(folder, '.tollgate', 'policy.yaml');
    expect(readFileSync(file, 'utf8')).toBe(STARTER_POLICY);
    expect(opened).toEqual([file]);
    expect(world.shown).toEqual([]);
  });

  it('a policy it cannot write is a notice that says which file and why', async () => {
    const folder = join(dir, 'stray file');
    mkdirSync(folder);
    writeFileSync(join(folder, '.tollgate'), 'not a folder');
    await createPolicyIn(folder);
    expect(world.shown).toEqual([
      { level: 'error', text: `Tollgate cannot create ${join(folder, '.tollgate', 'policy.yaml')}: part of this path is a file, not a directory.`, items: [] },
    ]);
    expect(opened).toEqual([]);
  });

  it('two folders and the folder pick dismissed (Escape): nothing written, and no "open a folder first"', async () => {
    const a = join(dir, 'multi', 'web');
    const b = join(dir, 'multi', 'ml');
    mkdirSync(b, { recursive: true });
    addFolder(world, b);
    const picks: unknown[] = [];
    Object.assign(vscode.window, { showWorkspaceFolderPick: async (o: unknown) => void picks.push(o) });
    await createPolicyIn(a);
    expect(picks).toHaveLength(1);
    expect(world.shown).toEqual([]);
    expect(existsSync(join(a, '.tollgate'))).toBe(false);
    expect(existsSync(join(b, '.tollgate'))).toBe(false);
  });

  it('a folder whose policy is policy.yml keeps it, opened unchanged', async () => {
    const folder = join(dir, 'yml');
    const yml = join(folder, '.tollgate', 'policy.yml');
    mkdirSync(dirname(yml), { recursive: true });
    writeFileSync(yml, 'budgets: []\n');
    await createPolicyIn(folder);
    expect(existsSync(join(folder, '.tollgate', 'policy.yaml'))).toBe(false);
    expect(readFileSync(yml, 'utf8')).toBe('budgets: []\n');
    expect(opened).toEqual([yml]);
    expect(world.shown.map((m) => m.text)).toEqual(['.tollgate/policy.yml already exists; opened it unchanged.']);
  });
});

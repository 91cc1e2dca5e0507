/**
 * Policy diagnostics in a workspace with more than one `.tollgate/policy.yaml` (a multi-root
 * workspace, or a monorepo with a policy per package): every file gets its own diagnostics, but the
 * status bar's "policy error" follows only the file the proxy runs with — opening or typing in
 * another folder's policy neither clears nor raises it. And a policy file that appears after the
 * proxy started (written by hand, a git checkout) is applied by a restart once it is valid.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { PolicyProblem } from '../../proxy/src/policy/load';

/** What the stand-in `vscode` records: document listeners and the published diagnostics. */
const seen = vi.hoisted(() => ({
  folders: [] as Array<{ uri: { fsPath: string } }>,
  openListeners: [] as Array<(d: unknown) => void>,
  changeListeners: [] as Array<(e: { document: unknown }) => void>,
  diagnostics: new Map<string, unknown[]>(),
  created: [] as Array<(uri: { fsPath: string }) => void>,
}));

vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode } = createVscodeStub({}, { workspaceFolders: seen.folders });
  const ws = vscode.workspace as Record<string, unknown>;
  const none = () => ({ dispose() {} });
  const keep =
    <T>(into: T[]) =>
    (l: T) => {
      into.push(l);
      return none();
    };
  ws.onDidOpenTextDocument = keep(seen.openListeners);
  ws.onDidChangeTextDocument = keep(seen.changeListeners);
  ws.createFileSystemWatcher = () => ({ onDidChange: none, onDidCreate: keep(seen.created), onDidDelete: none, dispose() {} });
  (vscode.languages as Record<string, unknown>).createDiagnosticCollection = () => ({
    set: (uri: { fsPath: string }, ds: unknown[]) => void seen.diagnostics.set(uri.fsPath, ds),
    delete() {},
    clear() {},
    dispose() {},
  });
  return vscode;
});
// The checker the extension loads from its deferred bundle, here from the source.
vi.mock('../../extension/src/deferred/load', async () => (await import('./support/policyDeferred')).policyDeferredModule());

const { PolicyDiagnostics } = await import('../../extension/src/policy/policyDiagnostics');
type Controller = ConstructorParameters<typeof PolicyDiagnostics>[0];

const dir = mkdtempSync(join(tmpdir(), 'tollgate policy folders é-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folder(name: string, policy: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, '.tollgate'), { recursive: true });
  const file = join(root, '.tollgate', 'policy.yaml');
  writeFileSync(file, policy);
  seen.folders.push({ uri: { fsPath: root } });
  return file;
}

const doc = (fsPath: string, text: string) => ({ uri: { fsPath, scheme: 'file', toString: () => `file://${fsPath}` }, getText: () => text, isDirty: true });

describe('policy diagnostics with several policy files', () => {
  it('the status bar follows the proxy’s policy file only', async () => {
    const broken = 'version: 1\nbudgets:\n  - name: daily\n    period: day\n    usd: ten dollars\n';
    const valid = 'version: 1\n';
    const used = folder('app', broken);
    const other = folder('other', valid);
    // The controller's policyFile(): the first folder that has one (proxyController.ts).
    const proxy = {
      policyFile: () => used,
      state: { kind: 'running' },
      onDidChangeState: () => ({ dispose() {} }),
      output: { info() {} },
      start: async () => ({ kind: 'running' }),
    } as unknown as Controller;
    const policy = new PolicyDiagnostics(proxy);
    const fired: Array<readonly PolicyProblem[]> = [];
    policy.onDidChange((p) => fired.push(p));
    try {
      await vi.waitFor(() => expect(policy.problems.length).toBeGreaterThan(0));
      expect(seen.diagnostics.get(used)).toHaveLength(1);
      const statusBar = () => fired.at(-1) ?? policy.problems;

      // Opening the other folder's valid policy: its own (empty) diagnostics, the warning stays.
      for (const l of seen.openListeners) l(doc(other, valid));
      expect(seen.diagnostics.get(other)).toEqual([]);
      expect(policy.problems).toHaveLength(1);
      expect(statusBar()).toHaveLength(1);

      // Half-typed YAML in the other file: squiggles there, but the proxy's file is still the one reported.
      for (const l of seen.changeListeners) l({ document: doc(other, 'version: 1\nbudgets:\n  - name: [\n') });
      expect(seen.diagnostics.get(other)!.length).toBeGreaterThan(0);
      expect(statusBar().every((p) => p.file === used)).toBe(true);

      // The proxy's file fixed: the warning clears, although the other file is still broken.
      for (const l of seen.changeListeners) l({ document: doc(used, valid) });
      expect(policy.problems).toEqual([]);
      expect(statusBar()).toEqual([]);
      for (const l of seen.changeListeners) l({ document: doc(other, 'version: 1\nbudgets: [\n') });
      expect(statusBar()).toEqual([]);
    } finally {
      policy.dispose();
    }
  });

  it('restarts a proxy started without a policy once a valid one is created on disk, and only then', async () => {
    seen.folders.splice(0);
    seen.created.splice(0);
    const root = join(dir, 'later');
    mkdirSync(root, { recursive: true });
    seen.folders.push({ uri: { fsPath: root } });
    const file = join(root, '.tollgate', 'policy.yaml');
    const starts: Array<string | undefined> = [];
    // A running proxy of this window, started before the workspace had a policy file.
    const proxy = {
      policyFile: () => (existsSync(file) ? file : undefined),
      launchedPolicy: undefined as string | undefined,
      state: { kind: 'running', attached: false },
      onDidChangeState: () => ({ dispose() {} }),
      output: { info() {} },
      async start() {
        this.launchedPolicy = this.policyFile();
        starts.push(this.launchedPolicy);
        return this.state;
      },
    };
    const policy = new PolicyDiagnostics(proxy as unknown as Controller);
    try {
      mkdirSync(join(root, '.tollgate'));
      // Half-typed when first written: not applied yet, the proxy keeps running as it is.
      writeFileSync(file, 'version: 1\nbudgets:\n  - name: [\n');
      for (const l of seen.created) l({ fsPath: file });
      await new Promise((r) => setTimeout(r, 20));
      expect(starts).toEqual([]);
      expect(seen.diagnostics.get(file)!.length).toBeGreaterThan(0);
      writeFileSync(file, 'version: 1\nbudgets:\n  - name: daily\n    period: day\n    usd: 5\n');
      for (const l of seen.created) l({ fsPath: file });
      await vi.waitFor(() => expect(starts).toEqual([file]));
      // Started with it now: the proxy's own watcher applies later edits, no more restarts.
      for (const l of seen.created) l({ fsPath: file });
      await new Promise((r) => setTimeout(r, 20));
      expect(starts).toEqual([file]);
    } finally {
      policy.dispose();
    }
  });
});

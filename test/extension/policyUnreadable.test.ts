/**
 * A policy file the proxy refuses to read — over 1 MiB, or a directory named policy.yaml — made the
 * proxy stop with "bad policy", while the editor's Problems view stayed empty: the extension read
 * the file itself and parsed whatever it got (a directory read failed quietly, a large file of
 * valid YAML parsed clean). It now reads through the proxy's own reader and shows its refusal.
 * "Open Policy" on a symlink that leads nowhere opened an editor VS Code cannot fill ("Unable to
 * resolve nonexistent file"): it now says which link is dangling and where it points.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MAX_POLICY_BYTES } from '../../proxy/src/policy/store';

const seen = vi.hoisted(() => ({
  folders: [] as Array<{ uri: { fsPath: string } }>,
  diagnostics: new Map<string, Array<{ message: string; range: { start: { line: number } } }>>(),
  shown: [] as string[],
  messages: [] as string[],
}));

vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({}, { workspaceFolders: seen.folders });
  seen.messages = record.messages;
  (vscode.window as Record<string, unknown>).showTextDocument = async (uri: { fsPath: string }) => void seen.shown.push(uri.fsPath);
  const none = () => ({ dispose() {} });
  (vscode.workspace as Record<string, unknown>).createFileSystemWatcher = () => ({ onDidChange: none, onDidCreate: none, onDidDelete: none, dispose() {} });
  (vscode.languages as Record<string, unknown>).createDiagnosticCollection = () => ({
    set: (uri: { fsPath: string }, ds: Array<{ message: string; range: { start: { line: number } } }>) => void seen.diagnostics.set(uri.fsPath, ds),
    delete() {},
    clear() {},
    dispose() {},
  });
  return vscode;
});
vi.mock('../../extension/src/deferred/load', async () => (await import('./support/policyDeferred')).policyDeferredModule());

const { PolicyDiagnostics } = await import('../../extension/src/policy/policyDiagnostics');
type Controller = ConstructorParameters<typeof PolicyDiagnostics>[0];

const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-unreadable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function controllerFor(file: string): Controller {
  return {
    policyFile: () => file,
    state: { kind: 'failed', reason: 'bad-policy' },
    onDidChangeState: () => ({ dispose() {} }),
    output: { info() {} },
    start: async () => ({ kind: 'failed' }),
  } as unknown as Controller;
}

async function problemsFor(file: string): Promise<Array<{ message: string; range: { start: { line: number } } }>> {
  const policy = new PolicyDiagnostics(controllerFor(file));
  try {
    await vi.waitFor(() => expect(seen.diagnostics.has(file)).toBe(true));
    return seen.diagnostics.get(file)!;
  } finally {
    policy.dispose();
  }
}

describe('a policy file the proxy will not read', () => {
  it('over the size limit: one problem saying so (valid YAML, so parsing alone finds nothing)', async () => {
    const root = join(dir, 'big');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    // A valid policy padded with comments past the limit.
    writeFileSync(file, `version: 1\n${'# padding padding padding padding padding padding padding\n'.repeat(Math.ceil(MAX_POLICY_BYTES / 50))}`);
    const problems = await problemsFor(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(`the limit is ${MAX_POLICY_BYTES}`);
    expect(problems[0]!.range.start.line).toBe(0);
  });

  it('a directory where the file should be: one problem, not silence', async () => {
    const root = join(dir, 'dir');
    const file = join(root, '.tollgate', 'policy.yaml');
    mkdirSync(file, { recursive: true });
    const problems = await problemsFor(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('not a regular file');
  });

  it('a symlink to a file that is not there: one problem (the proxy refuses it), not an empty Problems view', async () => {
    const root = join(dir, 'dangling');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    symlinkSync(join(dir, 'not-cloned', 'policy.yaml'), file);
    const problems = await problemsFor(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('cannot resolve the policy path');
  });

  it('Open Policy on a dangling symlink says which link and which missing target, and opens no editor', async () => {
    const root = join(dir, 'dangling-open');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    const target = join(dir, 'shared-not-cloned', 'policy.yaml');
    symlinkSync(target, file);
    const policy = new PolicyDiagnostics(controllerFor(file));
    try {
      seen.messages.length = 0;
      await policy.open();
      expect(seen.shown).not.toContain(file);
      expect(seen.messages).toHaveLength(1);
      expect(seen.messages[0]).toContain(file);
      expect(seen.messages[0]).toContain(`symbolic link to ${target}, which does not exist`);
    } finally {
      policy.dispose();
    }
  });

  it('Open Policy in Restricted Mode on a dangling symlink says so too, instead of opening it', async () => {
    const root = join(dir, 'dangling-restricted');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    const target = join(dir, 'shared-not-cloned-either', 'policy.yaml');
    symlinkSync(target, file);
    // Restricted Mode: the proxy applies no workspace policy, the file is only found.
    const policy = new PolicyDiagnostics({ ...controllerFor(file), policyFile: () => undefined, workspacePolicyFile: () => file } as unknown as Controller);
    try {
      seen.messages.length = 0;
      await policy.open();
      expect(seen.shown).not.toContain(file);
      expect(seen.messages).toHaveLength(1);
      expect(seen.messages[0]).toContain(`symbolic link to ${target}, which does not exist`);
    } finally {
      policy.dispose();
    }
  });

  it('Open Policy on a cloned repository’s link whose target is a Markdown link: quoted, no link can form', async () => {
    const root = join(dir, 'dangling-hostile');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    // A symlink's target is any text the repository chose; VS Code makes `[label](command:…)` in a notification a link that runs the command.
    symlinkSync('[Fix the policy](command:workbench.action.terminal.new)', file);
    const policy = new PolicyDiagnostics({ ...controllerFor(file), policyFile: () => undefined, workspacePolicyFile: () => file } as unknown as Controller);
    try {
      seen.messages.length = 0;
      await policy.open();
      expect(seen.messages).toHaveLength(1);
      expect(seen.messages[0]).toContain('[Fix the policy]');
      expect(seen.messages[0]).not.toContain('](');
    } finally {
      policy.dispose();
    }
  });

  it('Open Policy with no folder open says to open one, and offers no starter policy it could not create', async () => {
    const none = { ...controllerFor('unused'), policyFile: () => undefined, workspacePolicyFile: () => undefined } as unknown as Controller;
    const policy = new PolicyDiagnostics(none);
    try {
      seen.messages.length = 0;
      await policy.open();
      expect(seen.messages).toHaveLength(1);
      expect(seen.messages[0]).toContain('Open a folder first');
      // A folder without a policy: the starter policy is offered.
      seen.folders.push({ uri: { fsPath: join(dir, 'no-policy') } });
      seen.messages.length = 0;
      await policy.open();
      expect(seen.messages).toEqual(['This workspace has no .tollgate/policy.yaml.']);
    } finally {
      seen.folders.length = 0;
      policy.dispose();
    }
  });

  it('Open Policy on a readable policy opens it', async () => {
    const root = join(dir, 'readable-open');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    writeFileSync(file, 'version: 1\n');
    const policy = new PolicyDiagnostics(controllerFor(file));
    try {
      await policy.open();
      expect(seen.shown).toContain(file);
    } finally {
      policy.dispose();
    }
  });

  it('a missing file: no problems', async () => {
    const file = join(dir, 'none', '.tollgate', 'policy.yaml');
    expect(await problemsFor(file)).toEqual([]);
  });
});

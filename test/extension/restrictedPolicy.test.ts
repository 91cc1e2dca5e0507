/**
 * Restricted Mode: the workspace's .tollgate/policy.yaml exists but is not applied. "Open Policy"
 * and "Export Policy" must say it is ignored until the folder is trusted (and Open Policy still
 * shows it), not claim the workspace has no policy and offer to create one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ folders: [] as Array<{ uri: { fsPath: string } }>, opened: [] as string[], messages: [] as string[], commands: new Map<string, (...a: unknown[]) => unknown>() }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({}, { workspaceFolders: seen.folders });
  (vscode.workspace as Record<string, unknown>).isTrusted = false; // Restricted Mode
  seen.messages = record.messages;
  seen.commands = record.commands;
  (vscode.window as Record<string, unknown>).showTextDocument = async (uri: { fsPath: string }) => void seen.opened.push(uri.fsPath);
  return vscode;
});
vi.mock('../../extension/src/deferred/load', async () => (await import('./support/policyDeferred')).policyDeferredModule());

const { ProxyController } = await import('../../extension/src/proxy/proxyController');
const { PolicyDiagnostics } = await import('../../extension/src/policy/policyDiagnostics');
const { registerExportPolicy } = await import('../../extension/src/commands/exportPolicy');
const { fakeContext } = await import('./support/vscodeStub.cjs');
type Context = ConstructorParameters<typeof ProxyController>[0];
type Output = ConstructorParameters<typeof ProxyController>[1];

const dir = mkdtempSync(join(tmpdir(), 'tollgate-restricted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workspace policy in Restricted Mode', () => {
  it('Open Policy and Export Policy say the policy is ignored until trusted, not that there is none', async () => {
    const root = join(dir, 'cloned');
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    const file = join(root, '.tollgate', 'policy.yaml');
    writeFileSync(file, 'version: 1\n');
    seen.folders.push({ uri: { fsPath: root } });
    const output = { info() {}, warn() {}, error() {}, show() {} } as unknown as Output;
    const proxy = new ProxyController(fakeContext(dir, join(dir, 'storage')) as unknown as Context, output);
    const policy = new PolicyDiagnostics(proxy);
    const exporter = registerExportPolicy(proxy);
    try {
      expect(proxy.policyFile()).toBeUndefined(); // the proxy does not get it
      await seen.commands.get('tollgate.openPolicy')!();
      expect(seen.opened).toEqual([file]);
      await seen.commands.get('tollgate.exportPolicy')!();
      expect(seen.messages).toHaveLength(2);
      for (const m of seen.messages) {
        expect(m).toContain('Restricted Mode');
        expect(m).not.toMatch(/has no|There is no/);
      }
    } finally {
      exporter.dispose();
      policy.dispose();
      proxy.dispose();
    }
  });
});

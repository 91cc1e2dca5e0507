/**
 * The bundled extension (dist/extension/extension.cjs) loaded with an in-memory `vscode`: it
 * registers every command package.json contributes, shows its status bar item, and keeps native
 * modules and the heavy analysis engine out of the activation bundle.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createVscodeStub, fakeContext, installVscodeStub } from './support/vscodeStub.cjs';

const root = join(__dirname, '../..');
const bundle = join(root, 'dist/extension/extension.cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  contributes: { commands: Array<{ command: string }>; views: Record<string, Array<{ id: string }>>; configuration: { properties: Record<string, unknown> } };
};
const dir = mkdtempSync(join(tmpdir(), 'tollgate-activation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Never skip: a missing bundle is a build failure to surface, so build it when absent.
if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

describe('activation of the bundled extension', () => {
  it('registers every contributed command, the sidebar view and the status bar item, without starting anything when autoStart is off', async () => {
    const { vscode, record } = createVscodeStub({ 'tollgate.autoStart': false });
    const undo = installVscodeStub(vscode);
    try {
      const require = createRequire(import.meta.url);
      delete require.cache[bundle];
      const ext = require(bundle) as { activate(ctx: unknown): unknown; deactivate(): Promise<void> | undefined };
      const ctx = fakeContext(root, join(dir, 'storage'));
      ext.activate(ctx);
      for (const c of pkg.contributes.commands) expect(record.commands.has(c.command), c.command).toBe(true);
      for (const views of Object.values(pkg.contributes.views)) for (const v of views) expect(record.webviewViews).toContain(v.id);
      expect(record.statusBarItems).toHaveLength(1);
      expect(record.statusBarItems[0]).toMatchObject({ visible: true, command: 'tollgate.statusMenu' });
      expect(record.statusBarItems[0]!.text).toContain('stopped');
      expect(record.codeLensSelectors).toHaveLength(1);
      expect([...record.diagnosticCollections].sort()).toEqual(['tollgate', 'tollgate-policy']);
      // The dashboard panel comes back after a window reload.
      expect(record.panelSerializers).toEqual(['tollgate.dashboard']);
      expect(pkg.activationEvents).toContain('onWebviewPanel:tollgate.dashboard');
      // Screen readers hear words, not codicon names.
      expect(record.statusBarItems[0]!.accessibilityInformation?.label).toMatch(/stopped/);
      expect(record.statusBarItems[0]!.accessibilityInformation?.label).not.toMatch(/circle-slash|\$\(/);
      // Commands that report state work without a running proxy.
      await record.commands.get('tollgate.copyOpenAIBaseUrl')!();
      expect(record.messages.at(-1)).toContain('http://127.0.0.1:4141/v1');
      for (const d of ctx.subscriptions) d.dispose();
      await ext.deactivate();
    } finally {
      undo();
    }
  });

  it('keeps native modules and the analysis engine out of extension.cjs', () => {
    const src = readFileSync(bundle, 'utf8');
    expect(src).not.toMatch(/require\(["']better-sqlite3["']\)/);
    expect(src).not.toMatch(/require\(["']sqlite-vec["']\)/);
    expect(src).not.toContain('node_modules/typescript/lib/typescript.js');
    expect(src).not.toContain('node_modules/js-tiktoken');
  });

  it('package.json points main at the bundle and settings carry descriptions', () => {
    expect(pkg.main).toBe('./dist/extension/extension.cjs');
    expect(pkg.activationEvents).toContain('workspaceContains:.tollgate/**');
    for (const [key, schema] of Object.entries(pkg.contributes.configuration.properties)) {
      const s = schema as { description?: string; markdownDescription?: string };
      expect(s.description ?? s.markdownDescription, key).toBeTruthy();
    }
  });
});

/**
 * Two windows of different versions (one updated and reloaded, the other not yet): the updated
 * window finds the other window's proxy on the port and shares it. It used to do so without a word
 * — the version from /healthz only went into a tooltip — so whatever the newer extension needs
 * from its proxy failed with no reason given. It now says which version runs on the port and what
 * to restart. Real proxy CLI (dist/proxy/cli.js, which reports package.json's version).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { windowHost } from '../support/controllerHost';

const shared = vi.hoisted(() => ({ settings: {} as Record<string, unknown>, messages: [] as string[] }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('../support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub(shared.settings);
  shared.messages = record.messages;
  return vscode;
});

const { ProxyController } = await import('../../../extension/src/proxy/proxyController');
const root = join(__dirname, '../../..');
const built = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-other-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = windowHost(ProxyController, { extensionPath: root, storageDir: dir });
const openWindow = (version: string) => host.open(version);

describe('two windows of different versions', () => {
  it('the window on another version than the shared proxy says which version runs on the port', async () => {
    if (!existsSync(join(root, 'dist/proxy/cli.js'))) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    const port = await freePort();
    shared.settings['tollgate.proxy.port'] = port;
    const older = openWindow(built);
    const newer = openWindow(`${built}-next`);
    try {
      expect(await older.controller.start(), older.logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      expect(await newer.controller.start(), newer.logs.join('\n')).toMatchObject({ kind: 'running', attached: true, verified: true });
      await vi.waitFor(() => expect(shared.messages.join('\n')).toContain(`The Tollgate proxy on port ${port} is version ${built}`), { timeout: 5_000 });
      expect(shared.messages.join('\n')).toContain(`this extension is ${built}-next`);
      expect(newer.logs.join('\n')).toContain(`the proxy on port ${port} is Tollgate ${built}; this extension is ${built}-next`);
      // The window of the proxy's own version says nothing of the kind.
      expect(older.logs.join('\n')).not.toContain('this extension is');
    } finally {
      await Promise.all([older.controller.shutdown(), newer.controller.shutdown()]);
      newer.controller.dispose();
      older.controller.dispose();
    }
  });
});

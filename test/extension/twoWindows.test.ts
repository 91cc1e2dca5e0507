/**
 * Two VS Code windows of the same user: the first starts the proxy, the second finds it on the port
 * and uses it (docs/extension.md, "What runs where"). The second window must recognise it as the
 * user's own proxy (no "cannot prove it is your Tollgate proxy" warning) and read its API — the
 * status bar's spend, the dashboard — instead of getting 401 from every admin call. Real proxy CLI
 * (dist/proxy/cli.js), real SecretStorage semantics (one store shared by the user's windows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/freePort';
import { windowHost } from './support/controllerHost';

const shared = vi.hoisted(() => ({ settings: {} as Record<string, unknown>, messages: [] as string[] }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub(shared.settings);
  shared.messages = record.messages;
  return vscode;
});

const { ProxyController } = await import('../../extension/src/proxy/proxyController');

const root = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate two windows '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SecretStorage is one store per user for an extension, whichever window asks; every window hears of changes. */
const host = windowHost(ProxyController, { extensionPath: root, storageDir: dir });

function openWindow(name: string) {
  return { ...host.open(), name };
}

describe('two windows, one proxy', () => {
  it('the second window uses the first window’s proxy as its own', async () => {
    shared.settings['tollgate.proxy.port'] = await freePort();
    const first = openWindow('first');
    const second = openWindow('second');
    try {
      const a = await first.controller.start();
      expect(a, first.logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      const b = await second.controller.start();
      expect(b, second.logs.join('\n')).toMatchObject({ kind: 'running', attached: true, verified: true });
      // The status bar and the dashboard read the proxy's API through this client.
      const summary = await second.controller.client!.summary({ from: 0, to: Date.now() });
      expect(summary.totals.calls).toBe(0);
      expect(shared.messages.join('\n')).not.toContain('cannot prove');
    } finally {
      await Promise.all([first.controller.shutdown(), second.controller.shutdown()]);
      second.controller.dispose();
      first.controller.dispose();
    }
  });

  it('windows that start at the same moment (VS Code restoring them) settle on one proxy both can use', async () => {
    host.secrets.clear();
    shared.settings['tollgate.proxy.port'] = await freePort();
    const first = openWindow('first');
    const second = openWindow('second');
    const states = () => [first.controller.state, second.controller.state];
    try {
      await Promise.all([first.controller.start(), second.controller.start()]);
      await vi.waitFor(
        () => {
          const s = states();
          expect(s.every((x) => x.kind === 'running')).toBe(true);
          expect(s.filter((x) => x.kind === 'running' && !x.attached)).toHaveLength(1);
          expect(s.filter((x) => x.kind === 'running' && x.attached && x.verified)).toHaveLength(1);
        },
        { timeout: 60_000, interval: 100 },
      );
      for (const w of [first, second]) expect((await w.controller.client!.summary({ from: 0, to: Date.now() })).totals.calls).toBe(0);
      expect(shared.messages.join('\n')).not.toContain('cannot prove');
    } finally {
      await Promise.all([first.controller.shutdown(), second.controller.shutdown()]);
      second.controller.dispose();
      first.controller.dispose();
    }
  });
});

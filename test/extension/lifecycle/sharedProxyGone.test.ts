/**
 * Two windows share a proxy; the one that started it closes and its proxy stops. The other window
 * kept showing "running" while its apps got connection refused until its health checks gave up
 * (3 × 10 s). Its event stream drops the moment the proxy stops: the window now checks at once and
 * starts its own proxy. Real proxy CLI, the extension's ProxyController with a stubbed vscode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkHealth } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';
import { windowHost } from '../support/controllerHost';

const shared = vi.hoisted(() => ({ settings: {} as Record<string, unknown> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('../support/vscodeStub.cjs');
  return createVscodeStub(shared.settings).vscode;
});

const { ProxyController } = await import('../../../extension/src/proxy/proxyController');
const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-shared-gone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = windowHost(ProxyController, { extensionPath: root, storageDir: dir });
const openWindow = () => host.open();

describe('the window that started the shared proxy closes', () => {
  it('the other window starts its own within seconds, not after its health checks give up', async () => {
    if (!existsSync(join(root, 'dist/proxy/cli.js'))) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    const port = await freePort();
    shared.settings['tollgate.proxy.port'] = port;
    const first = openWindow();
    const second = openWindow();
    // Only the event stream's drop may restart the second window's proxy within this test: its
    // liveness check (every 10 s in the product) is pushed out of reach, so no clock is compared.
    (second.controller as unknown as { supervisor: { opts: { healthIntervalMs: number } } }).supervisor.opts.healthIntervalMs = 3_600_000;
    try {
      expect(await first.controller.start(), first.logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      expect(await second.controller.start(), second.logs.join('\n')).toMatchObject({ kind: 'running', attached: true, verified: true });
      // The status bar listens to the window's event stream (which opens it).
      second.controller.events.onCall(() => {});
      await vi.waitFor(() => expect(second.controller.events.connection.state).toBe('connected'), { timeout: 5_000 });

      await first.controller.shutdown();
      // 2 s grace for the owner to restart it, then a proxy start; the timeout only bounds a hang.
      await vi.waitFor(
        async () => {
          const s = second.controller.state;
          expect(s).toMatchObject({ kind: 'running', attached: false });
          expect(await checkHealth(port, 500)).toBeDefined();
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      await Promise.all([first.controller.shutdown(), second.controller.shutdown()]);
      second.controller.dispose();
      first.controller.dispose();
    }
    expect(await checkHealth(port, 500)).toBeUndefined();
  });
});

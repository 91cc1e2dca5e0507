/**
 * "Use Another Port" on the port-in-use message, when the port comes from the workspace's own
 * settings (a team's .vscode/settings.json): the new port must be written where it takes effect.
 * Written to the user settings, the workspace value still wins, the proxy restarts on the taken
 * port and the same message comes back, however often the user picks a port.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate another port '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  world.applyUpdates = false;
  world.workspaceSettings = {};
  world.messageAnswers.splice(0);
  world.inputAnswers.splice(0);
});

/**
 * Another program on the port: a development server that answers every path with 404. Asked for a
 * port something on the machine already holds, that something is the other program (the port is
 * taken either way, which is all the test needs) and there is nothing of ours to close.
 */
async function otherProgram(port = 0): Promise<{ close(): void; port: number }> {
  const server = createServer((_req, res) => res.writeHead(404).end('Cannot GET'));
  const heldElsewhere = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    server.listen(port, '127.0.0.1', () => resolve(false));
  });
  if (heldElsewhere) return { close: () => {}, port };
  return { close: () => server.close(), port: (server.address() as { port: number }).port };
}

describe('Use Another Port', () => {
  for (const from of ['workspace', 'user'] as const) {
    it(`with the port from the ${from} settings, the proxy starts on the port picked`, async () => {
      const taken = await otherProgram();
      world.shown.splice(0);
      world.applyUpdates = true;
      world.trusted = true;
      if (from === 'workspace') world.workspaceSettings['tollgate.proxy.port'] = taken.port;
      else world.settings['tollgate.proxy.port'] = taken.port;
      const picked = await freePort();
      world.messageAnswers.push((m) => (m.items.includes('Use Another Port') ? 'Use Another Port' : undefined));
      world.inputAnswers.push(String(picked));
      const logs: string[] = [];
      const proxy = await newController(ext, join(dir, `storage-${from}`), (l) => void logs.push(l));
      try {
        await proxy.start();
        await vi.waitFor(() => expect(proxy.state, logs.join('\n')).toMatchObject({ kind: 'running', port: picked, attached: false }), { timeout: 30_000 });
        // One port-in-use message: the pick ended it.
        expect(world.shown.filter((m) => m.items.includes('Use Another Port'))).toHaveLength(1);
        const health = (await (await fetch(`http://127.0.0.1:${picked}/healthz`)).json()) as { pid: number };
        expect(health.pid).toBe((proxy.state as { pid?: number }).pid);
      } finally {
        await proxy.shutdown();
        proxy.dispose();
        taken.close();
      }
    });
  }

  // Whatever holds the port may be silent (no HTTP answer): the controller asks it patiently first.
  it('on the highest port, the port offered is one the box accepts', { timeout: 120_000 }, async () => {
    const taken = await otherProgram(65535);
    world.shown.splice(0);
    world.settings['tollgate.proxy.port'] = taken.port;
    const offered: Array<{ value?: string; problem?: string }> = [];
    world.messageAnswers.push((m) => (m.items.includes('Use Another Port') ? 'Use Another Port' : undefined));
    world.inputAnswers.push((box) => {
      offered.push({ value: box.value, problem: box.validateInput?.(box.value ?? '') });
      return undefined; // dismissed
    });
    const proxy = await newController(ext, join(dir, 'storage-highest'), () => {});
    try {
      await proxy.start();
      await vi.waitFor(() => expect(offered).toHaveLength(1), { timeout: 90_000 });
      expect(offered[0]?.problem).toBeUndefined();
      expect(Number(offered[0]?.value)).not.toBe(65535);
    } finally {
      await proxy.shutdown();
      proxy.dispose();
      taken.close();
    }
  });
});

/**
 * Trusting a Restricted Mode window: VS Code fires onDidGrantWorkspaceTrust and, for the restricted
 * settings the workspace sets (its tollgate.proxy.port, tollgate.nodePath), onDidChangeConfiguration
 * in the same moment. Each restarts the proxy; the two restarts must not overlap. Overlapping, they
 * spawned two proxies: the second found the port taken and "attached" to the first, which the
 * window no longer owned — it showed as another window's proxy and outlived the window.
 * Also a failure message's "Use Another Port", which changes the setting and starts the proxy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { addFolder, changeSettings, fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate trust granted '));
const ext = fakeExtensionDir(dir);
const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  world.folders.splice(0);
  world.trusted = true;
});

async function health(port: number): Promise<{ pid: number; args: string[] } | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pid: number; args: string[] };
  } catch {
    return undefined;
  }
}

async function controller() {
  const logs: string[] = [];
  const log = (l: string) => void logs.push(l);
  const proxy = await newController(ext, join(dir, `storage-${Math.random()}`), log);
  return { proxy, logs };
}

describe('restarts that arrive together', () => {
  it('trust granted with the workspace’s port applied: one proxy, owned by the window, gone with it', async () => {
    const repo = join(dir, 'cloned');
    mkdirSync(join(repo, '.tollgate'), { recursive: true });
    const policy = join(repo, '.tollgate', 'policy.yaml');
    writeFileSync(policy, 'version: 1\n');
    addFolder(world, repo);
    world.trusted = false;
    const port = await freePort();
    world.settings['tollgate.proxy.port'] = port;
    const { proxy, logs } = await controller();
    try {
      await proxy.start();
      expect((await health(port))?.args).not.toContain('--policy');

      world.trusted = true;
      for (const l of [...world.trustListeners]) l();
      changeSettings(world, { 'tollgate.proxy.port': port });
      const done = proxy.start(); // what a caller awaiting the restart gets
      await done;
      expect(proxy.state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      const h = await health(port);
      expect(h?.args).toContain(policy);
      expect(proxy.state).toMatchObject({ pid: h?.pid });
    } finally {
      await proxy.shutdown();
      proxy.dispose();
    }
    const after = await health(port);
    if (after) leftovers.push(after.pid);
    expect(after, 'a proxy outlived the window').toBeUndefined();
  });

  it('many restarts asked for at once end with one proxy this window owns', async () => {
    world.settings['tollgate.proxy.port'] = await freePort();
    const { proxy, logs } = await controller();
    try {
      await proxy.start();
      const states = await Promise.all([proxy.start(), proxy.start(), proxy.start()]);
      for (const s of states) expect(s.kind).toBe('running');
      expect(proxy.state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      const port = (proxy.state as { port: number }).port;
      await proxy.shutdown();
      const after = await health(port);
      if (after) leftovers.push(after.pid);
      expect(after, 'a proxy outlived the window').toBeUndefined();
    } finally {
      await proxy.shutdown();
      proxy.dispose();
    }
  });
});

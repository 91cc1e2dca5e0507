/**
 * The proxy stopped while the window still prepares its start (the runtime check, the admin token
 * and keys from SecretStorage — before anything is spawned): the window closing right after
 * activation (deactivate), or "Stop Proxy" clicked while the status bar says "starting". The start
 * must not go on to spawn a proxy nobody will stop; a start asked for after the stop still runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkHealth } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';
import { fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate stop while preparing '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stopped while the start is prepared', () => {
  for (const how of ['shutdown', 'stop'] as const) {
    it(`${how}(): no proxy is spawned after it`, async () => {
      const port = await freePort();
      world.settings['tollgate.proxy.port'] = port;
      const logs: string[] = [];
      const proxy = await newController(ext, join(dir, `storage-${how}`), (l) => void logs.push(l));
      try {
        const started = proxy.start();
        expect(proxy.state.kind).toBe('starting');
        await proxy[how]();
        expect((await started).kind).toBe('stopped');
        expect(proxy.state.kind).toBe('stopped');
        expect(await checkHealth(port)).toBeUndefined();
        expect(logs.filter((l) => l.startsWith('starting:'))).toEqual([]);
        // The stop ended that start only: the next one runs.
        expect(await proxy.start()).toMatchObject({ kind: 'running', attached: false, port });
      } finally {
        await proxy.shutdown();
        proxy.dispose();
      }
    });
  }
});

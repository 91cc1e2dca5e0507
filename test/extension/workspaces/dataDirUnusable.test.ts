/**
 * VS Code's global storage folder cannot be created (a file where a folder of its path should be,
 * a profile folder without write permission): the start must end in a message naming the folder
 * and why, with Retry, and the proxy must start once the folder can be made — not a start that
 * rejects with nobody listening, leaving the status bar on "stopped" and nothing said.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate data dir '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a data directory that cannot be created', () => {
  it('says which folder and why, and starts on Retry once the folder can be made', async () => {
    world.shown.splice(0);
    world.settings['tollgate.proxy.port'] = await freePort();
    // A file in place of a parent folder: ENOTDIR, also for a user (root in CI) whom permissions do not stop.
    const blocker = join(dir, 'globalStorage');
    writeFileSync(blocker, 'not a folder');
    const storage = join(blocker, 'tollgate');
    const logs: string[] = [];
    const proxy = await newController(ext, storage, (l) => void logs.push(l));
    try {
      const state = await proxy.start();
      expect(state.kind, logs.join('\n')).toBe('failed');
      await vi.waitFor(() => expect(world.shown.filter((m) => m.level === 'error')).toHaveLength(1));
      const error = world.shown.find((m) => m.level === 'error')!;
      expect(error.text).toContain(storage);
      expect(error.text).toContain('ENOTDIR');
      expect(error.items).toContain('Retry');

      rmSync(blocker);
      expect((await proxy.start()).kind, logs.join('\n')).toBe('running');
    } finally {
      await proxy.shutdown();
      proxy.dispose();
    }
  });
});

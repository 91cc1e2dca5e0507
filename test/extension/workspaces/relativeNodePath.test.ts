/**
 * A relative `tollgate.nodePath` (`tools/node`, as a team writes it in .vscode/settings.json): read
 * from the workspace folder, the same file for the version check and for the proxy's spawn — not
 * from the extension host's working directory for one and the data directory for the other. In
 * Restricted Mode it is not read from the (untrusted) folder at all.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { addFolder, fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate relative node '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  world.folders.splice(0);
  world.shown.splice(0);
  world.trusted = true;
});

async function startWith(nodePath: string) {
  const repo = join(dir, `repo-${Math.random()}`);
  mkdirSync(join(repo, 'tools'), { recursive: true });
  // The team's pinned Node (here: this test's own) in the repository.
  symlinkSync(process.execPath, join(repo, 'tools', 'node'));
  addFolder(world, repo);
  world.settings['tollgate.nodePath'] = nodePath;
  world.settings['tollgate.proxy.port'] = await freePort();
  const logs: string[] = [];
  const log = (l: string) => void logs.push(l);
  const proxy = await newController(ext, join(dir, 'storage'), log);
  try {
    const state = await proxy.start();
    return { state, logs, repo };
  } finally {
    await proxy.shutdown();
    proxy.dispose();
  }
}

describe('a relative tollgate.nodePath', () => {
  for (const value of ['tools/node', './tools/node']) {
    it(`${value}: read from the workspace folder`, async () => {
      const { state, logs, repo } = await startWith(value);
      expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      expect(logs.join('\n')).toContain(`starting: ${join(repo, 'tools', 'node')} `);
    });
  }

  it('a number (settings.json takes any value): the runtime built into VS Code, not a start that throws', async () => {
    const { state, logs } = await startWith(42 as never);
    expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
    expect(logs.join('\n')).toContain("from VS Code's runtime");
  });

  it('in Restricted Mode: refused with a message, never run from the untrusted folder', async () => {
    world.trusted = false;
    const { state, logs } = await startWith('tools/node');
    expect(state.kind).toBe('stopped');
    expect(logs.join('\n')).not.toContain('starting:');
    const error = world.shown.find((m) => m.level === 'error');
    expect(error?.text).toContain('relative path');
    expect(error?.items).toContain('Open Settings');
  });
});

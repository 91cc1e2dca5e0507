/**
 * A workspace whose `.tollgate/policy.yaml` is a symbolic link to a file that is not there (a
 * shared-config checkout not cloned yet, a moved folder). The extension looked for the policy with
 * `existsSync`, false for such a link, and started the proxy on the built-in policy: no budgets,
 * no routing, not a word. `tollgate start` stops with the reason (proxy/src/cli/paths.ts); the
 * window now does the same, against the real CLI (dist/proxy/cli.js): a failure naming the file.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { addFolder, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate dangling policy '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function healthz(port: number): Promise<unknown> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
  } catch {
    return undefined;
  }
}

describe('a workspace policy that is a dangling symlink', () => {
  it('is the policy file, and the proxy stops naming it instead of running the default policy', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.tollgate'), { recursive: true });
    const policy = join(repo, '.tollgate', 'policy.yaml');
    symlinkSync(join(dir, 'shared-config', 'policy.yaml'), policy);
    addFolder(world, repo);
    const port = await freePort();
    world.settings['tollgate.proxy.port'] = port;
    const logs: string[] = [];
    const proxy = await newController(root, join(dir, 'storage'), (l) => void logs.push(l));
    try {
      expect(proxy.workspacePolicyFiles()).toEqual([policy]);
      expect(proxy.policyFile()).toBe(policy);
      const state = await proxy.start();
      expect(state, logs.join('\n')).toMatchObject({ kind: 'failed', reason: 'bad-policy' });
      expect((state as { message: string }).message).toContain(policy);
      expect(await healthz(port), 'a proxy runs on the default policy').toBeUndefined();
      await vi.waitFor(() => expect(world.shown.find((m) => m.level === 'error')?.text).toContain(policy));
    } finally {
      await proxy.shutdown();
      proxy.dispose();
    }
  });
});

/**
 * The policy path and symlinks. A policy path that is a symlink to a non-policy file (here a
 * stand-in for /etc/shadow) is refused without echoing a word of it — before, its lines appeared
 * as "Unrecognized keys" in the unauthenticated /healthz. A symlink to a real policy works and its
 * target's edits are applied; and once the symlink is replaced by a plain file, edits to that file
 * are applied too (before, they were silently ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PolicyError, PolicyStore } from '../../proxy/src/policy/store';
import { startProxy } from '../../proxy/src/server/start';

const root = mkdtempSync(join(tmpdir(), 'tollgate-symlink-'));
const SECRET_LINE = 'root:$6$saltsalt$hashedpasswordvalue:19000:0:99999:7:::';
let store: PolicyStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function changed(s: PolicyStore): Promise<void> {
  return new Promise((r) => s.once('change', () => r()));
}

describe('policy symlinks', () => {
  it('a symlink to a non-policy file is refused without echoing its contents (start and /healthz)', async () => {
    const dir = join(root, 'shadow');
    mkdirSync(join(dir, '.tollgate'), { recursive: true });
    const shadow = join(dir, 'shadow');
    writeFileSync(shadow, `${SECRET_LINE}\ndaemon:*:19000:0:99999:7:::\n`);
    const link = join(dir, '.tollgate', 'policy.yaml');
    symlinkSync(shadow, link);
    let error: unknown;
    try {
      PolicyStore.open(link);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect(String((error as Error).message)).toMatch(/not a \.yaml\/\.yml file/);
    expect(String((error as Error).message)).not.toContain('hashedpassword');

    // Hot reload: a good policy later swapped for the link reports a problem, not the contents.
    const good = join(dir, '.tollgate', 'good.yaml');
    writeFileSync(good, 'cache:\n  ttlSeconds: 60\n');
    const proxy = await startProxy({ port: 0, dataDir: join(dir, 'data'), policyFile: good, watchPolicy: false });
    try {
      unlinkSync(good);
      symlinkSync(shadow, good);
      expect(proxy.services.policy.reload()).toBe(false);
      const health = await (await fetch(`${proxy.url}/healthz`)).text();
      expect(health).toContain('not a .yaml/.yml file');
      expect(health).not.toContain('hashedpassword');
      expect(health).not.toContain('daemon');
    } finally {
      await proxy.close();
    }
  });

  it('a symlinked policy follows edits of its target, and of the file that replaces the link', async () => {
    const dir = join(root, 'swap');
    mkdirSync(join(dir, 'shared'), { recursive: true });
    mkdirSync(join(dir, '.tollgate'), { recursive: true });
    const target = join(dir, 'shared', 'team-policy.yaml');
    writeFileSync(target, 'cache:\n  ttlSeconds: 60\n');
    const link = join(dir, '.tollgate', 'policy.yaml');
    symlinkSync(target, link);
    store = PolicyStore.open(link);
    await store.watch();
    expect(store.policy.cache.ttlSeconds).toBe(60);

    let next = changed(store);
    writeFileSync(target, 'cache:\n  ttlSeconds: 120\n');
    await next;
    expect(store.policy.cache.ttlSeconds).toBe(120);

    // Replace the link by a plain file, then edit that file.
    next = changed(store);
    unlinkSync(link);
    writeFileSync(link, 'cache:\n  ttlSeconds: 180\n');
    await next;
    expect(store.policy.cache.ttlSeconds).toBe(180);
    next = changed(store);
    writeFileSync(link, 'cache:\n  ttlSeconds: 240\n');
    await next;
    expect(store.policy.cache.ttlSeconds).toBe(240);
    // Edits to the old target no longer matter.
    writeFileSync(target, 'cache:\n  ttlSeconds: 999\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(store.policy.cache.ttlSeconds).toBe(240);
  });
});

/**
 * A policy file that cannot be read at the moment it is reloaded (permissions taken away, or gone
 * between the checks of a rename-on-save) is a reported problem, never an exception thrown out of
 * the watcher (which would end the proxy); the last good policy stays.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The tests run as root in CI containers, where chmod 000 does not stop a read: fail the read itself.
const locked = vi.hoisted(() => ({ paths: new Set<string>() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    if (typeof path === 'string' && locked.paths.has(path)) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const { PolicyError, PolicyStore, readPolicyText } = await import('../../proxy/src/policy/store');

let dir: string | undefined;
afterEach(() => {
  locked.paths.clear();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an unreadable policy file', () => {
  it('is a problem on reload, with the last good policy kept', () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-read-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'budgets:\n  - { name: daily, period: day, usd: 5 }\n');
    const store = PolicyStore.open(file);
    locked.paths.add(file);
    writeFileSync(file, 'budgets: []\n');
    expect(readPolicyText(file)).toEqual({ problem: 'cannot read the policy file (EACCES)' });
    expect(store.reload()).toBe(false);
    expect(store.lastProblems[0]?.message).toContain('EACCES');
    expect(store.policy.budgets[0]?.usd).toBe(5);
  });

  it('at start is a readable PolicyError', () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-read-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'budgets: []\n');
    locked.paths.add(file);
    expect(() => PolicyStore.open(file)).toThrow(PolicyError);
  });
});

describe('a policy path that is a broken symlink at start', () => {
  // It names a policy that cannot be read (a target not checked out, a loop): starting with no
  // budgets at all because of it would be silent; it is refused like an unreadable file.
  it.each([
    // The message names the link and its target: a bare ENOENT read as "no policy yet".
    ['to a missing file', (d: string) => symlinkSync(join(d, 'shared', 'policy.yaml'), join(d, 'policy.yaml')), /ENOENT\): it is a symbolic link to \S+shared\/policy\.yaml, which does not exist/],
    [
      'in a loop',
      (d: string) => {
        symlinkSync(join(d, 'policy.yml'), join(d, 'policy.yaml'));
        symlinkSync(join(d, 'policy.yaml'), join(d, 'policy.yml'));
      },
      /ELOOP\): \S+policy\.yaml is a symbolic link in a loop/,
    ],
  ])('%s is a readable PolicyError, not the default policy', (_name, link, code) => {
    const d = mkdtempSync(join(tmpdir(), 'tollgate-read-'));
    dir = d;
    link(d);
    expect(() => PolicyStore.open(join(d, 'policy.yaml'))).toThrow(code);
  });

  it('a path with nothing at it is still the default policy (no policy file yet)', () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-read-'));
    expect(PolicyStore.open(join(dir, 'policy.yaml')).policy.budgets).toEqual([]);
  });
});

describe('a policy whose directory link comes to lead nowhere while the proxy runs', () => {
  // `.tollgate` linked to a shared checkout that is then moved or unmounted: the reload says what
  // start says of that link, not "the policy file is missing (deleted, or being replaced)".
  it('names the link and its missing target, keeping the last good policy', () => {
    const d = mkdtempSync(join(tmpdir(), 'tollgate-read-'));
    dir = d;
    mkdirSync(join(d, 'shared'));
    writeFileSync(join(d, 'shared', 'policy.yaml'), 'budgets:\n  - { name: daily, period: day, usd: 5 }\n');
    symlinkSync(join(d, 'shared'), join(d, '.tollgate'));
    const store = PolicyStore.open(join(d, '.tollgate', 'policy.yaml'));
    renameSync(join(d, 'shared'), join(d, 'shared-moved'));
    expect(store.reload()).toBe(false);
    expect(store.lastProblems.map((p) => p.message)).toEqual([
      `cannot resolve the policy path (ENOENT): ${join(d, '.tollgate')} is a symbolic link to ${join(d, 'shared')}, which does not exist; restore that directory (a checkout or mount not present?) or point the link at the policy directory`,
    ]);
    expect(store.policy.budgets[0]?.usd).toBe(5);
  });
});

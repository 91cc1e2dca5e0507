/**
 * Hostile paths and policy files given to the CLI: traversal in --policy, --data-dir, --out and
 * policy names, and a YAML alias bomb. Each is refused with a clear message or confined to the
 * directory the user named — never a crash, never a file written elsewhere, never a file echoed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { PolicyStore } from '../../proxy/src/policy/store';
import { runCli } from './support';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-paths-'));
  mkdirSync(join(dir, 'work'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string): string[] {
  return readdirSync(root).flatMap((f) => {
    const p = join(root, f);
    return statSync(p).isDirectory() ? [p, ...tree(p)] : [p];
  });
}

/** "Billion laughs": 10 aliases of 10 aliases … 11 levels deep (10^11 nodes if expanded). */
function aliasBomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  lines.push('budgets: *l');
  return lines.join('\n') + '\n';
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('CLI path handling', () => {
  it('start --policy with a traversal to a non-policy file fails with the bad-policy exit code and does not echo the file', async () => {
    const r = await runCli(['start', '--port', '0', '--data-dir', join(dir, 'd1'), '--policy', '../../../../../../../etc/passwd'], { cwd: join(dir, 'work') });
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).not.toMatch(/root:x:0:0/);
    expect(r.stdout).not.toContain('listening');
    noStack(r.stderr);
    const missing = await runCli(['start', '--port', '0', '--data-dir', join(dir, 'd1'), '--policy', '../../nope/../../policy.yaml'], { cwd: join(dir, 'work') });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/policy file not found/);
  });

  it('a workspace policy that is a dangling symlink stops start with the reason, not the default policy', async () => {
    // Its own directory: the other tests walk `dir` with statSync, which a dangling link breaks.
    const work = mkdtempSync(join(tmpdir(), 'tollgate-dangling-'));
    try {
      mkdirSync(join(work, '.tollgate'));
      symlinkSync(join(work, 'shared-checkout-not-cloned', 'policy.yaml'), join(work, '.tollgate', 'policy.yaml'));
      const r = await runCli(['start', '--port', '0', '--data-dir', join(work, 'data')], { cwd: work });
      expect(r.code).toBe(4);
      expect(r.stdout).not.toContain('listening');
      expect(r.stderr).toMatch(/policy\.yaml/);
      expect(r.stderr).toMatch(/symbolic link to \S+shared-checkout-not-cloned\/policy\.yaml, which does not exist/);
      noStack(r.stderr);
      // Named with --policy, the same link is not "policy file not found" either.
      const named = await runCli(['start', '--port', '0', '--data-dir', join(work, 'data'), '--policy', '.tollgate/policy.yaml'], { cwd: work });
      expect(named.code).toBe(4);
      expect(named.stderr).not.toMatch(/not found/);
      expect(named.stderr).toMatch(/symbolic link to \S+shared-checkout-not-cloned\/policy\.yaml, which does not exist/);
      // The whole .tollgate directory linked to a checkout that is not there: the same stop, naming the directory link.
      rmSync(join(work, '.tollgate'), { recursive: true });
      symlinkSync(join(work, 'shared-dir-not-cloned'), join(work, '.tollgate'));
      const dirLink = await runCli(['start', '--port', '0', '--data-dir', join(work, 'data')], { cwd: work });
      expect(dirLink.code).toBe(4);
      expect(dirLink.stdout).not.toContain('listening');
      expect(dirLink.stderr).toMatch(/\.tollgate is a symbolic link to \S+shared-dir-not-cloned, which does not exist/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('a data directory that cannot be created or written stops start at once with the reason (its own exit code)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tollgate-datadir-'));
    try {
      writeFileSync(join(work, 'a-file'), 'x');
      symlinkSync(join(work, 'unmounted'), join(work, 'gone'));
      mkdirSync(join(work, 'locked'), { mode: 0o500 });
      const cases: Array<[string, RegExp]> = [
        // procfs answers ENOENT to every mkdir: Node's recursive mkdir asked again for ever.
        ...(process.platform === 'linux' ? ([['/proc/tollgate-nope/data', /cannot create \/proc\/tollgate-nope: \/proc does not take new directories/]] as Array<[string, RegExp]>) : []),
        [join(work, 'a-file', 'data'), /a-file\/data: part of this path is a file, not a directory/],
        [join(work, 'a-file'), /a-file already exists and is not a directory/],
        [join(work, 'gone', 'data'), /gone is a symbolic link to \S+unmounted, which does not exist/],
        // root writes anywhere: the permission case only means something for other users.
        ...(process.getuid?.() === 0 ? [] : ([[join(work, 'locked', 'data'), /permission denied: cannot create \S+locked\/data/]] as Array<[string, RegExp]>)),
      ];
      const runs = await Promise.all(cases.map(([dataDir]) => runCli(['start', '--port', '0', '--data-dir', dataDir], { cwd: work })));
      for (const [i, r] of runs.entries()) {
        expect(r.code, cases[i]![0]).toBe(EXIT_CODES.dataDirUnusable);
        expect(r.stdout).not.toContain('listening');
        expect(r.stderr).toMatch(cases[i]![1]);
        // One style for every runtime failure of every command (usage errors are commander's "error: ").
        expect(r.stderr).toMatch(/^tollgate: /);
        noStack(r.stderr);
      }
      expect(existsSync(join(work, 'unmounted'))).toBe(false);
      // The model commands write there too: told before any download (the hub here is unreachable).
      const model = await runCli(['model', 'download', '--data-dir', join(work, 'a-file', 'data'), '--remote-host', 'http://127.0.0.1:9/'], { cwd: work });
      expect(model.code).toBe(1);
      expect(model.stderr).toMatch(/^tollgate: \S+a-file\/data: part of this path is a file, not a directory/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('an empty path value (an unset variable in a script) is a usage error, not the default location', async () => {
    const work = join(dir, 'empty-values');
    const home = join(work, 'home');
    mkdirSync(join(work, '.tollgate'), { recursive: true });
    mkdirSync(home);
    writeFileSync(join(work, '.tollgate', 'policy.yaml'), 'version: 1\n');
    const env = { HOME: home };
    const runs = await Promise.all([
      runCli(['start', '--port', '0', '--data-dir', ''], { cwd: work, env }),
      runCli(['report', '--data-dir', ''], { cwd: work, env }),
      runCli(['policy', 'export', '--target', 'litellm', '--out', ''], { cwd: work, env }),
    ]);
    for (const [i, flag] of ['--data-dir', '--data-dir', '--out'].entries()) {
      expect(runs[i]!.code, runs[i]!.stderr).toBe(2);
      expect(runs[i]!.stderr).toContain(`${flag} <`);
      expect(runs[i]!.stderr).toMatch(/empty/);
      expect(runs[i]!.stdout).not.toContain('listening');
    }
    // Nothing was created where an empty value used to lead: the home data directory, the working directory.
    expect(existsSync(join(home, '.tollgate'))).toBe(false);
    expect(existsSync(join(work, 'litellm'))).toBe(false);
  }, 90_000);

  it('policy names with path separators or dot-dot are rejected, and export writes nothing', async () => {
    const bad = join(dir, 'work', 'bad.yaml');
    writeFileSync(bad, 'budgets:\n  - name: "../../../evil"\n    period: day\n    usd: 1\nproviders:\n  "../x": { baseUrl: "http://127.0.0.1:1" }\n');
    const v = await runCli(['policy', 'validate', bad], { cwd: join(dir, 'work') });
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    const out = join(dir, 'work', 'exports');
    const e = await runCli(['policy', 'export', '--target', 'litellm', '--policy', bad, '--out', out], { cwd: join(dir, 'work') });
    expect(e.code).not.toBe(0);
    noStack(e.stderr);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'evil'))).toBe(false);
  });

  it('export --out with dot-dot segments writes only under the directory it resolves to', async () => {
    const policy = join(dir, 'work', 'ok.yaml');
    writeFileSync(policy, 'budgets:\n  - { name: team-day, period: day, usd: 5 }\n');
    const before = new Set(tree(dir));
    const r = await runCli(['policy', 'export', '--target', 'litellm', '--target', 'bifrost', '--policy', policy, '--out', 'a/../../work/../work/out'], { cwd: join(dir, 'work') });
    expect(r.code, r.stderr).toBe(0);
    const created = tree(dir).filter((p) => !before.has(p));
    expect(created.length).toBeGreaterThan(0);
    for (const p of created) expect(p.startsWith(join(dir, 'work', 'out')), p).toBe(true);
  });

  // KNOWN BUG (reported): parsePolicy lets yaml's "Excessive alias count" ReferenceError escape.
  it('a YAML alias bomb is refused quickly with a problem report, not expanded', async () => {
    const bomb = join(dir, 'work', 'bomb.yaml');
    writeFileSync(bomb, aliasBomb());
    const r = await runCli(['policy', 'validate', bomb], { cwd: join(dir, 'work') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.yaml:\d+:\d+/);
    noStack(r.stderr);
  });

  // KNOWN BUG (reported): the same throw escapes PolicyStore.reload(), which the file watcher calls,
  // so saving such a file next to a running proxy would crash it instead of keeping the last good policy.
  it('hot reload of an alias-bomb policy keeps the last good policy and reports a problem', async () => {
    const file = join(dir, 'work', 'live.yaml');
    writeFileSync(file, 'budgets:\n  - { name: live-day, period: day, usd: 5 }\n');
    const store = PolicyStore.open(file);
    const problems: unknown[] = [];
    store.on('invalid', (p) => problems.push(p));
    writeFileSync(file, aliasBomb());
    let result: boolean | Error;
    try {
      result = store.reload();
    } catch (e) {
      result = e as Error;
    }
    await store.close();
    expect(result).toBe(false);
    expect(problems).toHaveLength(1);
    expect(store.policy.budgets[0]?.name).toBe('live-day');
  });
});

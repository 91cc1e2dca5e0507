/**
 * The CLI run from a subfolder of a repository (`cd src && tollgate start`) reads the repository's
 * policy, as git finds its own folder: it read only `./.tollgate/policy.yaml`, so the proxy ran on
 * the built-in policy (no budgets) and `policy validate` offered to write a second policy in `src/`.
 * Never above the repository's root, nor above a folder outside any repository, nor up to a home
 * folder that is a dotfiles repository. `policy init` from a subfolder writes at the root, where
 * they look (it wrote `src/.tollgate/policy.yaml`). Real folders, a real `git init`, and paths with
 * a space and non-ASCII letters.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { existingWorkspacePolicy, policyRoot } from '../../proxy/src/cli/paths';
import { runCli } from './cli';

const root = mkdtempSync(join(tmpdir(), 'tollgate-subfolder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const POLICY = 'budgets:\n  - name: team-cap\n    period: month\n    usd: 50\n';
/** A folder holding `.tollgate/<name>` (a budget policy, or `text`). */
const withPolicy = (dir: string, name = 'policy.yaml', text = POLICY) => {
  mkdirSync(join(dir, '.tollgate'), { recursive: true });
  writeFileSync(join(dir, '.tollgate', name), text);
  return dir;
};
const repo = withPolicy(join(root, 'my répo'));
execFileSync('git', ['init', '-q', repo]);
const deep = join(repo, 'src', 'sub dir', 'ünï');
mkdirSync(deep, { recursive: true });

describe('the policy of a repository, from a folder inside it', () => {
  it('is found from any depth, named relative to where the command runs', () => {
    expect(existingWorkspacePolicy(deep)).toBe(join('..', '..', '..', '.tollgate', 'policy.yaml'));
    expect(existingWorkspacePolicy(join(repo, 'src'))).toBe(join('..', '.tollgate', 'policy.yaml'));
    expect(existingWorkspacePolicy(repo)).toBe(join('.tollgate', 'policy.yaml'));
  });

  it('the nearest wins: a subfolder\'s own policy (policy.yml too) before the root\'s', () => {
    const pkg = withPolicy(join(repo, 'packages', 'api'), 'policy.yml');
    mkdirSync(join(pkg, 'lib'));
    expect(existingWorkspacePolicy(join(pkg, 'lib'))).toBe(join('..', '.tollgate', 'policy.yml'));
  });

  it('never above the repository root (a nested repository, a `.git` file of a worktree) nor outside any repository', () => {
    const nested = join(repo, 'vendor', 'lib');
    mkdirSync(join(nested, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q', nested]);
    expect(existingWorkspacePolicy(join(nested, 'src'))).toBeUndefined();
    const worktree = join(repo, 'wt');
    mkdirSync(join(worktree, 'src'), { recursive: true });
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere/.git/worktrees/wt\n');
    expect(existingWorkspacePolicy(join(worktree, 'src'))).toBeUndefined();
    // No repository anywhere above: a policy in a parent folder (a home folder's) is not taken.
    const loose = withPolicy(mkdtempSync(join(tmpdir(), 'tollgate-no-repo-')));
    try {
      mkdirSync(join(loose, 'project'));
      expect(existingWorkspacePolicy(join(loose, 'project'))).toBeUndefined();
    } finally {
      rmSync(loose, { recursive: true, force: true });
    }
  });

  it('`policy validate` from a subfolder checks the repository\'s policy', async () => {
    const r = await runCli(['policy', 'validate'], { cwd: deep, env: { HOME: root } });
    expect([r.code, r.stdout.trim(), r.stderr]).toEqual([0, `${join('..', '..', '..', '.tollgate', 'policy.yaml')}: ok`, '']);
    // An invalid one is reported at its own path, not as missing.
    withPolicy(join(repo, 'src'), 'policy.yaml', 'budgets:\n  - name: x\n    period: fortnight\n    usd: 1\n');
    const bad = await runCli(['policy', 'validate'], { cwd: deep, env: { HOME: root } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join('..', '..', '.tollgate', 'policy.yaml')}:3:13: budgets.0.period`);
  }, 60_000);
});

describe('`policy init` from a folder inside a repository', () => {
  it('writes at the repository root, where `start` and `validate` look from every folder in it', async () => {
    const project = join(root, 'init répo');
    const src = join(project, 'src', 'lib');
    mkdirSync(src, { recursive: true });
    execFileSync('git', ['init', '-q', project]);
    const missing = await runCli(['policy', 'validate'], { cwd: src, env: { HOME: root } });
    expect(missing.stderr.trim()).toBe(`${join('..', '..', '.tollgate', 'policy.yaml')}:1:1: policy file not found; \`tollgate policy init\` writes a commented starter there`);
    const init = await runCli(['policy', 'init'], { cwd: src, env: { HOME: root } });
    // Written outside the folder it ran in: named in full.
    expect([init.code, init.stdout.trim()]).toEqual([0, `wrote ${join(project, '.tollgate', 'policy.yaml')} and ${join(project, '.tollgate', 'policy.schema.json')}`]);
    expect(existsSync(join(project, '.tollgate', 'policy.yaml'))).toBe(true);
    expect(existsSync(join(src, '.tollgate'))).toBe(false);
    const ok = await runCli(['policy', 'validate'], { cwd: join(project, 'src'), env: { HOME: root } });
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `${join('..', '.tollgate', 'policy.yaml')}: ok`]);
    // Run again from anywhere in it: the policy is there, nothing is written beside it.
    const again = await runCli(['policy', 'init'], { cwd: src, env: { HOME: root } });
    expect([again.code, again.stderr.trim()]).toEqual([1, `${join('..', '..', '.tollgate', 'policy.yaml')} already exists; not overwriting it`]);
  }, 60_000);
});

describe('`policy export` from a folder inside a repository', () => {
  it('writes beside the repository\'s policy, where `export --check` at the root looks', async () => {
    const project = withPolicy(join(root, 'export répo'));
    execFileSync('git', ['init', '-q', project]);
    const src = join(project, 'src');
    mkdirSync(src);
    const r = await runCli(['policy', 'export', '--target', 'litellm'], { cwd: src, env: { HOME: root } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(src, '.tollgate'))).toBe(false);
    const check = await runCli(['policy', 'export', '--target', 'litellm', '--check'], { cwd: project, env: { HOME: root } });
    expect([check.code, check.stdout.trim()]).toEqual([0, expect.stringMatching(/^exports are up to date \(\d+ files\)$/)]);
  }, 60_000);
});

describe('a home folder that is a git repository (dotfiles)', () => {
  const home = withPolicy(join(root, 'home dir'));
  execFileSync('git', ['init', '-q', home]);
  const project = join(home, 'code', 'project');
  mkdirSync(join(project, 'src'), { recursive: true });

  it('is no project\'s repository root: its .tollgate/policy.yaml is not taken from a folder below it', async () => {
    expect(policyRoot(join(project, 'src'), home)).toBe(join(project, 'src'));
    expect(policyRoot(home, home)).toBe(home);
    const r = await runCli(['policy', 'validate'], { cwd: join(project, 'src'), env: { HOME: home } });
    expect([r.code, r.stderr.trim()]).toEqual([1, `${join('.tollgate', 'policy.yaml')}:1:1: policy file not found; \`tollgate policy init\` writes a commented starter there`]);
    // A project with its own .git is its own root, as before.
    execFileSync('git', ['init', '-q', project]);
    expect(policyRoot(join(project, 'src'), home)).toBe(project);
  }, 60_000);

  it('is known through a symbolic link ($HOME a link, as /home on some Linux hosts and /Users on macOS): the walk stops there too', async () => {
    const realHome = withPolicy(join(root, 'real home'));
    execFileSync('git', ['init', '-q', realHome]);
    const linkedHome = join(root, 'linked home');
    symlinkSync(realHome, linkedHome);
    const src = join(realHome, 'code', 'app', 'src');
    mkdirSync(src, { recursive: true });
    // The shell's working directory is the real path; $HOME names the link (and the other way round).
    expect(policyRoot(src, linkedHome)).toBe(src);
    expect(policyRoot(join(linkedHome, 'code', 'app', 'src'), realHome)).toBe(join(linkedHome, 'code', 'app', 'src'));
    const r = await runCli(['policy', 'validate'], { cwd: src, env: { HOME: linkedHome } });
    expect([r.code, r.stderr.trim()]).toEqual([1, `${join('.tollgate', 'policy.yaml')}:1:1: policy file not found; \`tollgate policy init\` writes a commented starter there`]);
  }, 60_000);
});

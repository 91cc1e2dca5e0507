/**
 * `tollgate policy validate` in a repository without a policy: a first-time user is told how to get
 * one; an explicitly named file that is missing gets the next step `start --policy` gives (check
 * the path, a file beside it with a near name, or init, which writes the default name, not theirs). A policy path that is a symlink to nothing is not
 * "missing": it names a policy that cannot be read, and `policy init` must neither write through
 * it (outside the repository) nor beside it.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPolicyCli } from '../support/policyCli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-validate-missing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('policy validate without a policy file', () => {
  it('points at `policy init` when no file was named', async () => {
    const r = await runPolicyCli(dir, ['validate'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/policy\.yaml:1:1: policy file not found; `tollgate policy init` writes a commented starter there/);
  });

  it('a named file that is missing says what to do next, as `start --policy` does', async () => {
    const r = await runPolicyCli(dir, ['validate', 'team.yaml'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toBe(
      'team.yaml:1:1: policy file not found; check the path, or run `tollgate policy init` to write a commented starter at .tollgate/policy.yaml (read by default)',
    );
  });

  it('a named file that is missing points at the file beside it with a near name', async () => {
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'team.yml'), 'budgets: []\n');
    const r = await runPolicyCli(dir, ['validate', '--policy', 'policies/team.yaml'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toBe(`policies/team.yaml:1:1: policy file not found; did you mean ${join('policies', 'team.yml')}?`);
  });

  it('a file given both as the argument and with --policy is a usage error (exit 2), said as commander says one', async () => {
    const r = await runPolicyCli(dir, ['validate', 'a.yaml', '--policy', 'b.yaml'], {});
    expect(r.code).toBe(2);
    expect(r.err.join('')).toMatch(/^error: give the policy file once, .*"a\.yaml" and --policy "b\.yaml"/);
  });
});

describe('a workspace policy that is a dangling symlink', () => {
  const link = (): string => {
    mkdirSync(join(dir, '.tollgate'));
    const target = join(dir, 'shared-not-cloned', 'policy.yaml');
    symlinkSync(target, join(dir, '.tollgate', 'policy.yaml'));
    return target;
  };

  it('validate names the link and its missing target, not "not found" and init', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['validate'], {});
    expect(r.code).toBe(1);
    const text = r.err.join('\n');
    expect(text).not.toMatch(/not found|policy init/);
    expect(text).toContain('.tollgate/policy.yaml:1:1: ');
    expect(text).toContain(`symbolic link to ${target}, which does not exist`);
  });

  it('export says the same instead of "policy file not found"', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['export', '--target', 'litellm'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain(`symbolic link to ${target}, which does not exist`);
    expect(existsSync(join(dir, '.tollgate', 'exports'))).toBe(false);
  });

  it('init writes neither through the link nor beside it, and says why', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['init'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/\.tollgate\/policy\.yaml is a symbolic link to .*shared-not-cloned.*which does not exist; not writing through it/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dir, 'shared-not-cloned'))).toBe(false);
    expect(existsSync(join(dir, '.tollgate', 'policy.schema.json'))).toBe(false);
  });
});

describe('a .tollgate directory that is a dangling symlink', () => {
  // The shared policy checkout is linked as the whole directory; the link is there, its target not.
  const link = (): string => {
    const target = join(dir, 'shared-not-cloned');
    symlinkSync(target, join(dir, '.tollgate'));
    return target;
  };

  it('validate names the directory link and its missing target, not "not found" and init', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['validate'], {});
    expect(r.code).toBe(1);
    const text = r.err.join('\n');
    expect(text).not.toMatch(/not found|policy init/);
    expect(text).toContain('.tollgate/policy.yaml:1:1: ');
    expect(text).toContain(`${join(dir, '.tollgate')} is a symbolic link to ${target}, which does not exist`);
  });

  it('export says the same and writes nothing', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['export', '--target', 'litellm'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain(`is a symbolic link to ${target}, which does not exist`);
    expect(existsSync(target)).toBe(false);
  });

  it('init refuses to create through it and names the link', async () => {
    const target = link();
    const r = await runPolicyCli(dir, ['init'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toBe(
      `.tollgate is a symbolic link to ${target}, which does not exist; not writing through it: restore that directory, or remove the link and run \`tollgate policy init\` again`,
    );
    expect(existsSync(target)).toBe(false);
  });
});

describe('policy init beside other files', () => {
  it('refuses when .tollgate/policy.yml is the policy: a new policy.yaml would silently replace it', async () => {
    mkdirSync(join(dir, '.tollgate'));
    writeFileSync(join(dir, '.tollgate', 'policy.yml'), 'budgets: [{ name: b, period: day, usd: 1 }]\n');
    const r = await runPolicyCli(dir, ['init'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/\.tollgate\/policy\.yml already exists/);
    expect(existsSync(join(dir, '.tollgate', 'policy.yaml'))).toBe(false);
  });

  it('never writes the schema through a symlink left in the repository', async () => {
    mkdirSync(join(dir, '.tollgate'));
    const outside = join(dir, 'outside', 'schema.json');
    mkdirSync(join(dir, 'outside'));
    symlinkSync(outside, join(dir, '.tollgate', 'policy.schema.json'));
    const r = await runPolicyCli(dir, ['init'], {});
    expect(r.code).toBe(0);
    expect(existsSync(outside)).toBe(false);
    expect(lstatSync(join(dir, '.tollgate', 'policy.schema.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, '.tollgate', 'policy.yaml'), 'utf8')).toContain('version: 1');
    // Only what was written is reported written.
    expect(r.out.join('\n')).toBe('wrote .tollgate/policy.yaml');
  });
});

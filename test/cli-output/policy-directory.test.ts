/**
 * A policy path that names the folder (`--policy .tollgate`, `policy validate .tollgate`) instead
 * of the file in it: said as a directory, with the file to give, by `validate` and `start` alike.
 * It was "resolves to …/.tollgate, which is not a .yaml/.yml file; refusing to read it".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-dir-'));
  mkdirSync(join(dir, '.tollgate'));
  writeFileSync(join(dir, '.tollgate', 'policy.yaml'), 'budgets: []\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a policy path that is a directory', () => {
  it('policy validate names the file to give inside it', async () => {
    const r = await runCli(['policy', 'validate', '.tollgate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('.tollgate:1:1: the policy path is a directory');
    expect(r.stderr).toContain(`name the policy file in it, e.g. ${join(dir, '.tollgate', 'policy.yaml')}`);
    expect(r.stderr).not.toContain('not a .yaml/.yml file');
  });

  it('names the policy that is in it: a repository folder\'s .tollgate/policy.yaml, a .tollgate folder\'s policy.yml', async () => {
    const r = await runCli(['policy', 'validate', '.'], { cwd: dir });
    expect([r.code, r.stderr.trim()]).toEqual([1, `.:1:1: the policy path is a directory (${dir}): name the policy file in it, e.g. ${join(dir, '.tollgate', 'policy.yaml')}`]);
    rmSync(join(dir, '.tollgate', 'policy.yaml'));
    writeFileSync(join(dir, '.tollgate', 'policy.yml'), 'budgets: []\n');
    const yml = await runCli(['policy', 'validate', '.tollgate'], { cwd: dir });
    expect(yml.stderr).toContain(`name the policy file in it, e.g. ${join(dir, '.tollgate', 'policy.yml')}`);
  });

  it('start --policy refuses it with the same words (exit 4), before listening', async () => {
    const r = await runCli(['start', '--policy', '.tollgate', '--port', '0', '--data-dir', join(dir, 'data')], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('the policy path is a directory');
    expect(r.stdout).not.toContain('listening');
  });
});

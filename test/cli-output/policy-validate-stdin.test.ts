/**
 * `git show HEAD:.tollgate/policy.yml | tollgate policy validate -`: pre-commit hooks and CI check
 * the policy as committed (or staged), not the working copy, by piping it in, as most linters take
 * `-`. It was read as a file named "-" and "not found". Problems name the input "<stdin>".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-validate-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { HOME: dir };

describe('policy validate - (the policy on standard input)', () => {
  it('a valid policy piped in is ok, named <stdin>', async () => {
    const r = await runCli(['policy', 'validate', '-'], { cwd: dir, env, input: 'version: 1\nretries:\n  attempts: 2\n' });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '<stdin>: ok\n', '']);
  }, 60_000);

  it('problems are <stdin>:line:col, exit 1', async () => {
    const r = await runCli(['policy', 'validate', '--policy', '-'], { cwd: dir, env, input: 'version: 1\nretries:\n  attempts: many\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:3:\d+: /);
  }, 60_000);

  it('a UTF-16 file piped as it is (`type policy.yml | …` in cmd, of a file Windows PowerShell wrote) reads as the file would', async () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('version: 1\r\nbudgets: []\r\n', 'utf16le')]);
    const r = await runCli(['policy', 'validate', '-'], { cwd: dir, env, input: input as unknown as string });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '<stdin>: ok\n', '']);
  }, 60_000);

  it('a policy larger than a pipe holds at once is read to its end (the reader does not outrun the writer)', async () => {
    const input = `version: 1\n${'# a long comment line, as generated policies carry them\n'.repeat(15_000)}retries:\n  attempts: many\n`;
    const r = await runCli(['policy', 'validate', '-'], { cwd: dir, env, input });
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/^<stdin>:15003:\d+: retries\.attempts: /)]);
  }, 60_000);

  it('nothing piped in (`git show` of a path not in that commit) fails, not "ok" with the defaults', async () => {
    const r = await runCli(['policy', 'validate', '-'], { cwd: dir, env, input: '' });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^<stdin>:1:1: nothing piped in/);
  }, 60_000);

  it('/dev/stdin, a pipe by its path, is read as `-` is (it was "not a .yaml/.yml file")', async () => {
    const r = await runCli(['policy', 'validate', '/dev/stdin'], { cwd: dir, env, input: 'version: 1\nretries:\n  attempts: many\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\/dev\/stdin:3:\d+: retries\.attempts: /);
  }, 60_000);

  it.each([
    [['start', '--port', '0'], '-'],
    [['start', '--port', '0'], '/dev/stdin'],
    [['policy', 'export', '--target', 'litellm'], '-'],
  ])('%j --policy %s is a usage error that says to save the policy as a file', async (args, policy) => {
    const r = await runCli([...args, '--policy', policy], { cwd: dir, env, input: 'version: 1\n' });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`needs the policy as a file, not standard input or a pipe (--policy ${policy}): save it`);
  }, 60_000);
});

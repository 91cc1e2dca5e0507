/**
 * `tollgate start` refusing a policy says what to do next: a `--policy` path that is not there
 * names the path and the command that writes a first policy; a policy file over the size limit
 * gives the limit, why there is one, and what to check.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-start-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start refusing its policy', () => {
  it('a --policy file that is missing: the path, and how to get a first policy', async () => {
    const r = await runCli(['start', '--port', '0', '--data-dir', join(dir, 'data'), '--policy', 'missing.yaml'], { cwd: dir });
    expect(r.code).toBe(EXIT_CODES.badConfig);
    expect(r.stderr.trim()).toBe(
      `tollgate: policy file not found: ${join(dir, 'missing.yaml')}; check the path, or run \`tollgate policy init\` to write a commented starter at .tollgate/policy.yaml (read by default)`,
    );
  });

  it('a policy file over the size limit: the limit, why, and what to check', async () => {
    mkdirSync(join(dir, '.tollgate'));
    writeFileSync(join(dir, '.tollgate', 'policy.yaml'), `# ${'x'.repeat(1024 * 1024)}\n`);
    const r = await runCli(['start', '--port', '0', '--data-dir', join(dir, 'data')], { cwd: dir });
    expect(r.code).toBe(EXIT_CODES.badConfig);
    expect(r.stderr).toMatch(/policy\.yaml:1:1: the policy file is 1048579 bytes; the limit is 1048576 \(1 MiB: a full policy is a few KB.*\): check that this is the policy file/);
  });
});

/**
 * `tollgate policy validate` in a repository without a policy: a first-time user is told how to get
 * one; an explicitly named file that is missing is only reported (suggesting init there would write
 * somewhere else than the file they named).
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

  it('only reports a named file that is missing', async () => {
    const r = await runPolicyCli(dir, ['validate', 'team.yaml'], {});
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toBe('team.yaml:1:1: policy file not found');
  });
});

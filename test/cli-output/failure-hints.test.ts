/**
 * A runtime failure is one line naming the path and what to do: the way out must be one the command
 * has. `policy init` in a folder the user may not write was told to pass `--data-dir`, which it does
 * not take; `policy export` has `--out` for it. A full disk was Node's stack trace: the write's error
 * names no file.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { describeFailure, writeText } from '../../proxy/src/cli/common';
import { runCli } from './cli';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-hints-'));
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A folder the CLI's user may enter but not write (from root, the CLI runs as nobody). */
function readOnlyFolder(name: string): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  if (asRoot) chownSync(at, 0, 0);
  chmodSync(at, 0o555);
  return at;
}

const run = (args: string[], cwd: string) => runCli(args, { cwd, env: { HOME: dir }, ...(asRoot ? { uid: NOBODY } : {}) });

describe('the way out a failure names is one the command has', () => {
  it('policy init in a folder it may not write: no --data-dir in the hint', async () => {
    const project = readOnlyFolder('project');
    const r = await run(['policy', 'init'], project);
    expect(r.code).toBe(EXIT_CODES.failure);
    expect(r.stderr.trimEnd()).toBe(`tollgate: permission denied: cannot create ${join(project, '.tollgate')}; run as its owner, fix its permissions, or choose another path.`);
  });

  it('policy export into a folder it may not write: the hint names --out', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, '.tollgate'), { recursive: true });
    writeFileSync(join(project, '.tollgate', 'policy.yaml'), 'budgets: []\n');
    const policyDir = readOnlyFolder(join('project', '.tollgate'));
    const r = await run(['policy', 'export', '--target', 'litellm'], project);
    expect(r.code).toBe(EXIT_CODES.failure);
    expect(r.stderr.trimEnd()).toMatch(new RegExp(`^tollgate: permission denied: cannot create ${join(policyDir, 'exports')}\\S*; .*choose another path \\(e\\.g\\. --out\\)\\.$`));
  });
});

describe('a full disk', () => {
  // /dev/full answers every write with ENOSPC, as a full disk does.
  it.skipIf(!existsSync('/dev/full'))('is one line naming the file, not a stack trace', () => {
    let failure: unknown;
    try {
      writeText('/dev/full', 'budgets: []\n');
    } catch (err) {
      failure = err;
    }
    expect((failure as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(describeFailure(failure, undefined, '--out')).toBe('cannot write /dev/full: no space left on the disk; free some space or choose another path (e.g. --out).');
  });
});

/**
 * `tollgate start --policy <(git show HEAD:.tollgate/policy.yaml)` is refused as a pipe (start rereads its policy), and
 * `policy validate` reads it once. Where a process has no standard input to inspect (fstat(0) fails: a Windows service
 * or a detached child has no stdin handle), the path was no longer seen as a pipe at all: one try held both checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (load) => {
  const fs = await load<typeof import('node:fs')>();
  const fstatSync = (fd: number, ...rest: unknown[]) => {
    if (fd === 0) throw Object.assign(new Error('EBADF: bad file descriptor, fstat'), { code: 'EBADF' });
    return (fs.fstatSync as (...a: unknown[]) => unknown)(fd, ...rest);
  };
  return { ...fs, default: { ...fs, fstatSync }, fstatSync };
});

const { pipeNamed } = await import('../../proxy/src/cli/paths');

const dir = mkdtempSync(join(tmpdir(), 'tollgate-pipe-no-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('a pipe named by path, with no standard input to compare it to', () => {
  it('is still a pipe, not a file', () => {
    const fifo = join(dir, 'policy.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(pipeNamed(fifo)).toBe('pipe');
  });

  it('a file is still a file, and `-` still standard input', () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 1\n');
    expect(pipeNamed(file)).toBeUndefined();
    expect(pipeNamed(join(dir, 'missing.yaml'))).toBeUndefined();
    expect(pipeNamed('-')).toBe('stdin');
  });
});

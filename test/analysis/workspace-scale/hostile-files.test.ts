/**
 * `tollgate lint` on a tree with things a repository really holds besides files: named pipes, sockets,
 * dangling links, unreadable directories and files, huge data files. Each is skipped and said so —
 * never a hang (a FIFO blocks a plain read forever), a crash, or a whole run aborted by one bad entry.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// The tests run as root in CI containers, where chmod 000 stops nothing: fail the calls themselves.
const locked = vi.hoisted(() => ({ paths: new Set<string>() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const deny = (path: unknown, syscall: string) => {
    if (typeof path === 'string' && locked.paths.has(path)) throw Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: 'EACCES', syscall, path });
  };
  const readdirSync = ((path: string, ...rest: unknown[]) => {
    deny(path, 'scandir');
    return (fs.readdirSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readdirSync;
  const openSync = ((path: string, ...rest: unknown[]) => {
    deny(path, 'open');
    return (fs.openSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.openSync;
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    deny(path, 'open');
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  const patched = { readdirSync, openSync, readFileSync };
  return { ...fs, default: { ...fs, ...patched }, ...patched };
});

const { analyzePaths } = await import('../../../proxy/src/analysis/workspace/collect');
const { runLint } = await import('../../../proxy/src/cli/lint');
type SkippedPath = import('../../../proxy/src/analysis/workspace/collect').SkippedPath;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => locked.paths.clear());

function workspace(): string {
  const ws = mkdtempSync(join(dir, 'ws-'));
  writeFileSync(join(ws, 'a.prompt.md'), 'Please summarise the text.\n');
  return ws;
}

async function lintCollecting(paths: string[]): Promise<{ analysed: string[]; skipped: SkippedPath[] }> {
  const skipped: SkippedPath[] = [];
  const results = await analyzePaths(paths, {}, { onSkip: (s) => skipped.push(s) });
  return { analysed: results.map((r) => r.path), skipped };
}

const posix = process.platform !== 'win32';

describe.skipIf(!posix)('special files', () => {
  it('skips a named pipe matched by a glob argument instead of blocking on it', async () => {
    const ws = workspace();
    const fifo = join(ws, 'pipe.prompt.md');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Were the pipe read, the read would wait for a writer forever; this one comes after 3 s (and
    // gives up at once if nobody is reading), so a regression fails on its assertions (the pipe read
    // as an empty prompt, no skip reported), not by hanging the test run.
    const unblock = spawn(process.execPath, ['-e', `setTimeout(() => { try { const fs = require('fs'); fs.closeSync(fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); } catch {} }, 3000)`], { stdio: 'ignore' });
    try {
      const { analysed, skipped } = await lintCollecting([join(ws, '*.prompt.md')]);
      expect(analysed).toEqual([join(ws, 'a.prompt.md')]);
      expect(skipped).toEqual([{ path: fifo, reason: expect.stringMatching(/not a regular file/) }]);
    } finally {
      unblock.kill();
    }
  });

  it('skips a Unix socket named on the command line instead of crashing with ENXIO', async () => {
    const ws = workspace();
    const sock = join(ws, 'sock.prompt.md');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const { analysed, skipped } = await lintCollecting([sock, join(ws, 'a.prompt.md')]);
      expect(analysed).toEqual([join(ws, 'a.prompt.md')]);
      expect(skipped.map((s) => s.path)).toEqual([sock]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('skips a dangling or looping symbolic link a glob matches, and reports it', async () => {
    const ws = workspace();
    symlinkSync(join(ws, 'nowhere'), join(ws, 'dangling.prompt.md'));
    symlinkSync('loop.prompt.md', join(ws, 'loop.prompt.md'));
    const { analysed, skipped } = await lintCollecting([join(ws, '*.prompt.md')]);
    expect(analysed).toEqual([join(ws, 'a.prompt.md')]);
    expect(skipped.map((s) => s.path).sort()).toEqual([join(ws, 'dangling.prompt.md'), join(ws, 'loop.prompt.md')]);
  });
});

describe('unreadable entries', () => {
  it('an unreadable directory is skipped and reported; the rest of the tree is still analysed', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'private'));
    writeFileSync(join(ws, 'private', 'b.prompt.md'), 'Secret.\n');
    mkdirSync(join(ws, 'z'));
    writeFileSync(join(ws, 'z', 'c.prompt.md'), 'Later.\n');
    locked.paths.add(join(ws, 'private'));
    const { analysed, skipped } = await lintCollecting([ws]);
    expect(analysed).toEqual([join(ws, 'a.prompt.md'), join(ws, 'z', 'c.prompt.md')]);
    expect(skipped).toEqual([{ path: join(ws, 'private'), reason: expect.stringMatching(/permission denied/) }]);
  });

  it('an unreadable file is skipped and reported', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'b.prompt.md'), 'Locked.\n');
    locked.paths.add(join(ws, 'b.prompt.md'));
    const { analysed, skipped } = await lintCollecting([ws]);
    expect(analysed).toEqual([join(ws, 'a.prompt.md')]);
    expect(skipped).toEqual([{ path: join(ws, 'b.prompt.md'), reason: expect.stringMatching(/permission denied/) }]);
  });

  it('the CLI says what it skipped on stderr and in SARIF, and exits on its findings alone', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'b b.prompt.md'), 'Locked.\n');
    locked.paths.add(join(ws, 'b b.prompt.md'));
    let out = '';
    let err = '';
    const code = await runLint([], { format: 'sarif', maxSeverity: 'error' }, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: ws });
    expect(code).toBe(0);
    expect(err).toBe('tollgate lint: skipped b b.prompt.md: permission denied\n');
    const run = JSON.parse(out).runs[0];
    out = '';
    await runLint([], { format: 'text', maxSeverity: 'error' }, { out: (t) => { out += t; }, err: () => {}, cwd: ws });
    expect(out).toMatch(/ in 1 file \(1 skipped, not analysed\)\.\n$/);
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: 'warning', message: { text: 'Not analysed: permission denied.' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'b%20b.prompt.md', uriBaseId: '%SRCROOT%' } } }] },
        ],
      },
    ]);
  });
});

describe('huge files', () => {
  it('a 200 MB file with a prompt extension is skipped without being read, and reported', async () => {
    const ws = workspace();
    const big = join(ws, 'data.prompt.md');
    writeFileSync(big, '');
    truncateSync(big, 200_000_000); // sparse: no disk used
    const { analysed, skipped } = await lintCollecting([ws]);
    expect(analysed).toEqual([join(ws, 'a.prompt.md')]);
    expect(skipped).toEqual([{ path: big, reason: expect.stringMatching(/larger than 2 MB \(200\.0 MB\)/) }]);
  });
});

describe('binary files with a text extension', () => {
  it('are skipped and reported, as git decides (a NUL in the first 8000 bytes); UTF-16 text with its mark is still read', async () => {
    const ws = workspace();
    // A PNG's header, then bytes that read as whitespace runs if taken for text.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('  \t  x  \t  y\n'.repeat(200))]);
    writeFileSync(join(ws, 'logo.prompt.md'), png);
    writeFileSync(join(ws, 'model.py'), Buffer.concat([Buffer.from('x = 1\n'), Buffer.alloc(16), Buffer.from('client.chat.completions.create(model="gpt-4o", messages=[])\n')]));
    writeFileSync(join(ws, 'utf16.prompt.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Please keep it short.\n', 'utf16le')]));
    const { analysed, skipped } = await lintCollecting([ws]);
    expect(analysed).toEqual([join(ws, 'a.prompt.md'), join(ws, 'utf16.prompt.md')]);
    expect(skipped.map((s) => [s.path, s.reason])).toEqual([
      [join(ws, 'logo.prompt.md'), expect.stringMatching(/^binary/)],
      [join(ws, 'model.py'), expect.stringMatching(/^binary/)],
    ]);
  });
});

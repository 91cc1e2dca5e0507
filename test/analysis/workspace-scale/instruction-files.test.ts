/**
 * The editor reads the workspace's instruction files on every analysis of one of them. What sits at
 * those paths is the repository's business: a directory or named pipe called `*.instructions.md`, or
 * a binary, is left out — never an exception that fails the analysis of the open file, nor a read
 * that blocks the extension host.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstructionFiles } from '../../../proxy/src/analysis/workspace/instructions';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-instr-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInstructionFiles', () => {
  it('leaves out a directory and a binary named like instruction files, and keeps the real ones', () => {
    const root = mkdtempSync(join(dir, 'ws-'));
    const instr = join(root, '.github', 'instructions');
    mkdirSync(join(instr, 'folder.instructions.md'), { recursive: true });
    writeFileSync(join(instr, 'blob.instructions.md'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x08, 0]));
    writeFileSync(join(instr, 'style.instructions.md'), 'Use tabs.\n');
    mkdirSync(join(root, 'CLAUDE.md'));
    writeFileSync(join(root, 'AGENTS.md'), 'Run the tests.\n');
    expect(readInstructionFiles(root).map((f) => [f.path.slice(root.length + 1), f.text])).toEqual([
      ['AGENTS.md', 'Run the tests.\n'],
      [join('.github', 'instructions', 'style.instructions.md'), 'Use tabs.\n'],
    ]);
  });

  it.skipIf(process.platform === 'win32')('leaves out a named pipe instead of blocking on it', () => {
    const root = mkdtempSync(join(dir, 'fifo-'));
    mkdirSync(join(root, '.github', 'instructions'), { recursive: true });
    const fifo = join(root, '.github', 'instructions', 'pipe.instructions.md');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(join(root, 'CLAUDE.md'), 'Be brief.\n');
    // A blocked read would wait for a writer forever; this one comes after 3 s (and gives up at once
    // if nobody reads), so a regression fails on the assertion rather than hanging the run.
    const unblock = spawn(process.execPath, ['-e', `setTimeout(() => { try { const fs = require('fs'); fs.closeSync(fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); } catch {} }, 3000)`], { stdio: 'ignore' });
    try {
      expect(readInstructionFiles(root).map((f) => f.path)).toEqual([join(root, 'CLAUDE.md')]);
    } finally {
      unblock.kill();
    }
  }, 15_000);
});

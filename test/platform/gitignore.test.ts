/** `tollgate lint` honours a .gitignore as git does on Windows and macOS: a Notepad BOM, and case-insensitive names. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../../proxy/src/analysis/workspace/collect';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-gitignore-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A workspace with a generated prompt folder and a kept one; returns the files lint would analyse, relative. */
function workspace(gitignore: string, platform: NodeJS.Platform): string[] {
  const ws = mkdtempSync(join(dir, 'ws-'));
  mkdirSync(join(ws, 'generated'));
  mkdirSync(join(ws, 'src'));
  writeFileSync(join(ws, 'generated', 'a.prompt.md'), 'Generated prompt.\n');
  writeFileSync(join(ws, 'src', 'keep.prompt.md'), 'Kept prompt.\n');
  writeFileSync(join(ws, 'src', 'Draft.PROMPT.md'), 'Draft prompt.\n');
  writeFileSync(join(ws, '.gitignore'), gitignore);
  return collectFiles([ws], {}, platform)
    .map((f) => f.slice(ws.length + 1).replace(/\\/g, '/'))
    .sort();
}

describe('.gitignore as Windows and macOS write and read it', () => {
  it('skips a UTF-8 byte-order mark before the first pattern (Notepad, Windows PowerShell with -Encoding utf8)', () => {
    expect(workspace('\uFEFFgenerated/\r\n', 'linux')).toEqual(['src/Draft.PROMPT.md', 'src/keep.prompt.md']);
  });

  it('matches names case-insensitively on win32 and darwin, as git does there (core.ignorecase)', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      expect(workspace('Generated/\n*.Prompt.MD\n!keep.prompt.md\n', platform)).toEqual(['src/keep.prompt.md']);
    }
  });

  it('stays case-sensitive on Linux', () => {
    expect(workspace('Generated/\n', 'linux')).toEqual(['generated/a.prompt.md', 'src/Draft.PROMPT.md', 'src/keep.prompt.md']);
  });
});

describe('anchored .gitignore patterns under a root that ends with a separator', () => {
  it('ignores /gen/ when the walk starts at a drive root or a path given as `dir/`', () => {
    const ws = mkdtempSync(join(dir, 'root-'));
    mkdirSync(join(ws, 'gen', 'prompts'), { recursive: true });
    writeFileSync(join(ws, 'gen', 'prompts', 'a.prompt.md'), 'Generated.\n');
    writeFileSync(join(ws, 'keep.prompt.md'), 'Kept.\n');
    writeFileSync(join(ws, '.gitignore'), '/gen/\n');
    // `P:\` (a subst or mapped drive) is such a root; here the same shape on POSIX.
    const found = collectFiles([`${ws}/`], {}, 'linux').map((f) => f.slice(ws.length + 1).replace(/\\/g, '/'));
    expect(found).toEqual(['keep.prompt.md']);
  });
});

describe('glob arguments that cmd and PowerShell pass on unexpanded', () => {
  it('tollgate lint prompts\\*.prompt.md finds the files a POSIX shell would have listed', () => {
    const ws = mkdtempSync(join(dir, 'glob-'));
    mkdirSync(join(ws, 'prompts', 'deep'), { recursive: true });
    writeFileSync(join(ws, 'prompts', 'a.prompt.md'), 'A.\n');
    writeFileSync(join(ws, 'prompts', 'B.Prompt.md'), 'B.\n');
    writeFileSync(join(ws, 'prompts', 'notes.txt'), 'N.\n');
    writeFileSync(join(ws, 'prompts', 'deep', 'c.prompt.md'), 'C.\n');
    const rel = (files: string[]) => files.map((f) => f.slice(ws.length + 1).replace(/\\/g, '/')).sort();
    // As cmd passes it (backslashes), and as PowerShell may (forward slashes); NTFS ignores case.
    expect(rel(collectFiles([`${ws}\\prompts\\*.prompt.md`], {}, 'win32'))).toEqual(['prompts/B.Prompt.md', 'prompts/a.prompt.md']);
    expect(rel(collectFiles([`${ws}/prompts/**/*.prompt.md`], {}, 'win32'))).toEqual(['prompts/B.Prompt.md', 'prompts/a.prompt.md', 'prompts/deep/c.prompt.md']);
    // A directory that matches is walked as if named.
    expect(rel(collectFiles([`${ws}/prompt?`], {}, 'linux'))).toEqual(['prompts/B.Prompt.md', 'prompts/a.prompt.md', 'prompts/deep/c.prompt.md', 'prompts/notes.txt']);
    expect(() => collectFiles([`${ws}/prompts/*.prompty`], {}, 'linux')).toThrow(/no such file or directory/);
  });
});

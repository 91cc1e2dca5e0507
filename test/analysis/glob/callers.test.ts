/**
 * The places that match path globs: `tollgate.promptGlobs` (every file the editor opens), a cloned
 * repository's .gitignore (`tollgate lint` in CI) and glob arguments. A crafted glob used to take
 * minutes or more per path there (a backtracking regular expression); a class the regular
 * expression rejects (`[z-a]`) threw out of the analysis.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptKindOf } from '../../../proxy/src/analysis/prompt/detect';
import { collectFiles, MissingPathError } from '../../../proxy/src/analysis/workspace/collect';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-glob-callers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prompt globs', () => {
  it('classify a deep path against a glob of nested `**/a*` at once (the regular expression took hours at 60 segments)', () => {
    const deep = `repo/${'a/'.repeat(60)}b.md`;
    expect(promptKindOf(deep, undefined, ['**/a*'.repeat(6)])).toBeUndefined();
    expect(promptKindOf(`repo/${'a/'.repeat(60)}aaaaaa.md`, undefined, ['**/a*'.repeat(6)])).toBe('prompt-template');
  });

  it('skip a glob with a reversed range instead of throwing, so the other globs still apply', () => {
    expect(promptKindOf('src/prompts/a.md', undefined, ['[z-a].md', '**/prompts/*.md'])).toBe('prompt-template');
    expect(promptKindOf('z.md', undefined, ['[z-a].md'])).toBeUndefined();
  });
});

describe('tollgate lint', () => {
  it("reads a repository whose .gitignore has `*a*a*a*a*a*a*c` next to a long directory name of a's", () => {
    const ws = mkdtempSync(join(dir, 'ws-'));
    const long = 'a'.repeat(200);
    mkdirSync(join(ws, long));
    writeFileSync(join(ws, long, 'x.prompt.md'), 'A prompt.\n');
    writeFileSync(join(ws, `${long}c.prompt.md`), 'Ignored.\n');
    writeFileSync(join(ws, '.gitignore'), '*a*a*a*a*a*a*c.prompt.md\n*a*a*a*a*a*a*c\n');
    expect(collectFiles([ws], {}, 'linux').map((f) => f.slice(ws.length + 1).replace(/\\/g, '/'))).toEqual([`${long}/x.prompt.md`]);
  });

  it('reports a glob argument with a reversed range as matching nothing, not a crash', () => {
    const ws = mkdtempSync(join(dir, 'ws-'));
    writeFileSync(join(ws, 'b.prompt.md'), 'A prompt.\n');
    expect(() => collectFiles([`${ws}/[z-a]*.prompt.md`], {}, 'linux')).toThrow(MissingPathError);
    expect(collectFiles([`${ws}/[a-c]*.prompt.md`], {}, 'linux')).toEqual([join(ws, 'b.prompt.md')]);
  });
});

/**
 * `tollgate.promptGlobs` is a VS Code glob (the editor's document selector reads the same setting):
 * `{a,b}` groups and surrounding spaces must select the same files for the analysis, on Windows
 * paths as on POSIX ones — while .gitignore patterns keep braces literal, as git does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptKindOf } from '../../proxy/src/analysis/prompt/detect';
import { analyzePaths, collectFiles } from '../../proxy/src/analysis/workspace/collect';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-globs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prompt globs with VS Code glob syntax', () => {
  it('reads {a,b} groups, nested and at the top level', () => {
    const globs = ['**/prompts/*.{md,txt}'];
    expect(promptKindOf('C:\\Repo\\prompts\\ask.md', undefined, globs)).toBe('prompt-template');
    expect(promptKindOf('\\\\server\\share\\repo\\prompts\\ask.txt', undefined, globs)).toBe('prompt-template');
    expect(promptKindOf('/Users/zoë/repo/prompts/ask.j2', undefined, globs)).toBeUndefined();
    const top = ['{**/templates/*.j2,**/hbs/**/*.{hbs,handlebars}}'];
    expect(promptKindOf('C:\\Repo\\templates\\a.j2', undefined, top)).toBe('prompt-template');
    expect(promptKindOf('/repo/hbs/x/y/a.handlebars', undefined, top)).toBe('prompt-template');
    expect(promptKindOf('/repo/hbs/a.j2', undefined, top)).toBeUndefined();
  });

  it('ignores spaces around a glob, as VS Code does', () => {
    expect(promptKindOf('C:\\Repo\\prompts\\ask.md', undefined, [' **/prompts/**/*.md '])).toBe('prompt-template');
  });

  it('tollgate lint analyses the files a brace glob names', async () => {
    const ws = mkdtempSync(join(dir, 'ws-'));
    mkdirSync(join(ws, 'prompts'));
    writeFileSync(join(ws, 'prompts', 'summarise.md'), 'Summarise the text below in as much detail as possible.\n');
    writeFileSync(join(ws, 'prompts', 'classify.txt'), 'Classify the ticket.\n');
    writeFileSync(join(ws, 'prompts', 'notes.rst'), 'Not a template.\n');
    const results = await analyzePaths([ws], { promptGlobs: ['prompts/*.{md,txt}'] });
    expect(results.map((r) => [r.path.slice(ws.length + 1), r.kind]).sort()).toEqual([
      ['prompts/classify.txt', 'prompt-template'],
      ['prompts/summarise.md', 'prompt-template'],
    ]);
  });

  it('keeps braces literal in .gitignore patterns', () => {
    const ws = mkdtempSync(join(dir, 'gi-'));
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'src', 'a{b}.prompt.md'), 'x\n');
    writeFileSync(join(ws, 'src', 'ab.prompt.md'), 'x\n');
    writeFileSync(join(ws, '.gitignore'), 'a{b}.prompt.md\n');
    expect(collectFiles([ws], {}, 'linux').map((f) => f.slice(ws.length + 1))).toEqual(['src/ab.prompt.md']);
  });
});

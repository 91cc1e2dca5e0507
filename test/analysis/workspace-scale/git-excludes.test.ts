/**
 * `tollgate lint` skips what git would not show: the .gitignore files above a linted subdirectory,
 * the repository's info/exclude (also from a linked worktree, which keeps it in the main repository)
 * and the user's global excludes file — each checked against what `git status` lists.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../../../proxy/src/analysis/workspace/collect';
import { coreExcludesFile } from '../../../proxy/src/analysis/workspace/gitignore';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-git-excludes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text = 'Please answer.\n'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** A repository with a fresh, empty home (no global ignore file unless a test writes one). */
function repo(): { ws: string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(dir, 'r-'));
  const ws = join(base, 'repo');
  mkdirSync(join(ws, '.git', 'info'), { recursive: true });
  const home = join(base, 'home');
  mkdirSync(home);
  return { ws, env: { HOME: home } };
}

function found(paths: string[], ws: string, env: NodeJS.ProcessEnv): string[] {
  return collectFiles(paths, {}, 'linux', { env }).map((f) => f.slice(ws.length + 1));
}

describe('ignore rules from outside the linted directory', () => {
  it('applies the root .gitignore (with its negations) when a subdirectory is linted', () => {
    const { ws, env } = repo();
    write(join(ws, '.gitignore'), 'docs/*.prompt.md\n!docs/keep.prompt.md\ndocs/gen/\n');
    write(join(ws, 'docs', 'draft.prompt.md'));
    write(join(ws, 'docs', 'keep.prompt.md'));
    write(join(ws, 'docs', 'gen', 'x.prompt.md'));
    expect(found([ws], ws, env)).toEqual(['docs/keep.prompt.md']);
    expect(found([join(ws, 'docs')], ws, env)).toEqual(['docs/keep.prompt.md']);
    // …and when the subdirectory is reached through a glob argument.
    expect(found([join(ws, 'd*')], ws, env)).toEqual(['docs/keep.prompt.md']);
  });

  it('still walks a directory named explicitly that the root .gitignore ignores (as documented)', () => {
    const { ws, env } = repo();
    write(join(ws, '.gitignore'), 'gen/\n');
    write(join(ws, 'gen', 'a.prompt.md'));
    expect(found([ws], ws, env)).toEqual([]);
    expect(found([join(ws, 'gen')], ws, env)).toEqual(['gen/a.prompt.md']);
  });

  it('applies .git/info/exclude', () => {
    const { ws, env } = repo();
    write(join(ws, '.git', 'info', 'exclude'), '# local\nscratch/\n');
    write(join(ws, 'scratch', 'a.prompt.md'));
    write(join(ws, 'src', 'b.prompt.md'));
    expect(found([ws], ws, env)).toEqual(['src/b.prompt.md']);
    expect(found([join(ws, 'src')], ws, env)).toEqual(['src/b.prompt.md']);
  });

  it("applies git's default global ignore file, ~/.config/git/ignore or $XDG_CONFIG_HOME/git/ignore", () => {
    const { ws, env } = repo();
    write(join(ws, 'notes.prompt.md'));
    write(join(ws, 'b.prompt.md'));
    write(join(env.HOME!, '.config', 'git', 'ignore'), 'notes.prompt.md\n');
    expect(found([ws], ws, env)).toEqual(['b.prompt.md']);
    const xdg = join(env.HOME!, 'xdg');
    write(join(xdg, 'git', 'ignore'), 'b.prompt.md\n');
    expect(found([ws], ws, { ...env, XDG_CONFIG_HOME: xdg })).toEqual(['notes.prompt.md']);
  });

  it('applies core.excludesFile from ~/.gitconfig (with ~), and a .gitignore re-includes what it ignores', () => {
    const { ws, env } = repo();
    write(join(env.HOME!, '.gitconfig'), '[user]\n\tname = x\n[core]\n\texcludesFile = ~/my-ignores # personal\n');
    write(join(env.HOME!, 'my-ignores'), '*.prompt.md\n');
    write(join(ws, '.gitignore'), '!keep.prompt.md\n');
    write(join(ws, 'drop.prompt.md'));
    write(join(ws, 'keep.prompt.md'));
    expect(found([ws], ws, env)).toEqual(['keep.prompt.md']);
  });

  it("a linked worktree reads info/exclude from the main repository's git directory", () => {
    const { ws: main, env } = repo();
    write(join(main, '.git', 'info', 'exclude'), 'local.prompt.md\n');
    const gitDir = join(main, '.git', 'worktrees', 'wt');
    write(join(gitDir, 'commondir'), '../..\n');
    const wt = join(main, '..', 'wt');
    write(join(wt, '.git'), `gitdir: ${gitDir}\n`);
    write(join(wt, 'local.prompt.md'));
    write(join(wt, 'b.prompt.md'));
    expect(found([wt], wt, env)).toEqual(['b.prompt.md']);
  });

  it('outside any repository only the walked .gitignore files count', () => {
    const base = mkdtempSync(join(dir, 'plain-'));
    write(join(base, '.gitignore'), 'a.prompt.md\n');
    write(join(base, 'sub', 'a.prompt.md'));
    write(join(base, 'sub', 'b.prompt.md'));
    // Linting sub/ of a folder that is no repository: the .gitignore above it is not git's to apply.
    expect(found([join(base, 'sub')], base, {})).toEqual(['sub/a.prompt.md', 'sub/b.prompt.md']);
  });
});

describe('core.excludesFile in a git config file', () => {
  it('reads the [core] key case-insensitively, quoted or not; the last setting wins; other sections are ignored', () => {
    expect(coreExcludesFile('[alias]\n  excludesfile = nope\n[core]\n  ExcludesFile = "/a b/ignore"\n')).toBe('/a b/ignore');
    expect(coreExcludesFile('[core]\nexcludesfile=/x\n[core]\nexcludesfile = /y ; comment\n')).toBe('/y');
    expect(coreExcludesFile('[remote "origin"]\nexcludesfile = /z\n')).toBeUndefined();
  });
});

/**
 * The editor asks for an analysis only of documents its selector matches. VS Code matches a filter
 * pattern against the whole absolute path (the glob anchored at both ends stands in for it here); the analysis
 * matches `tollgate.promptGlobs` at the end of the path. A relative glob must select in the editor
 * the same files `tollgate lint` analyses.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => ({}));
const { documentSelector } = await import('../../extension/src/analysis/documentAnalyses');
const { promptKindOf } = await import('../../proxy/src/analysis/prompt/detect');
const { compilePathGlob } = await import('../../proxy/src/analysis/text/path-glob');

/** VS Code's document-filter test: the pattern matches the whole path. */
const wholePathMatch = (path: string, pattern: string) => compilePathGlob(pattern, { braces: true }).test(path);

function selectorPatterns(globs: string[]): string[] {
  const selector = documentSelector(globs) as Array<{ pattern?: string }>;
  return selector.map((f) => f.pattern).filter((p): p is string => typeof p === 'string');
}

describe('documentSelector for tollgate.promptGlobs', () => {
  const cases: Array<[string, string]> = [
    ['prompts/*.md', '/Users/zoë/code/my app/prompts/summarise.md'],
    [' templates/**/*.j2 ', '/home/dev/repo/templates/email/welcome.j2'],
    ['**/prompts/**/*.txt', '/home/dev/repo/src/prompts/a/b.txt'],
    ['*.prompt.txt', '/home/dev/repo/ask.prompt.txt'],
  ];
  for (const [glob, path] of cases) {
    it(`selects ${path} for "${glob}", as the analysis treats it as a prompt`, () => {
      expect(promptKindOf(path, undefined, [glob])).toBe('prompt-template');
      expect(selectorPatterns([glob]).some((p) => wholePathMatch(path, p))).toBe(true);
    });
  }

  it('leaves absolute globs as written', () => {
    expect(selectorPatterns(['/srv/prompts/*.md', 'C:/repo/prompts/*.md'])).toEqual(expect.arrayContaining(['/srv/prompts/*.md', 'C:/repo/prompts/*.md']));
  });
});

/**
 * Files the analysis engine always recognises as prompts (by name), for document selectors and
 * activation events. Plain .txt/.md templates are added by the `tollgate.promptGlobs` setting.
 * Pure data: the manifest test checks package.json against it.
 */
export const KNOWN_PROMPT_PATTERNS = [
  '**/*.prompt.md',
  '**/*.chatmode.md',
  '**/*.agent.md',
  '**/*.prompty',
  '**/*.prompt.yml',
  '**/*.prompt.yaml',
  '**/*.instructions.md',
  '**/copilot-instructions.md',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/promptfooconfig.yaml',
  '**/promptfooconfig.yml',
];

/** The analysis engine's default template globs, the `tollgate.promptGlobs` default. */
export { DEFAULT_PROMPT_GLOBS as DEFAULT_TEMPLATE_GLOBS } from '../../../proxy/src/analysis/prompt/detect';

/**
 * A `tollgate.promptGlobs` entry as a document-filter pattern. VS Code matches a filter's pattern
 * against the whole absolute path, while the analysis (and `tollgate lint`) matches prompt globs at
 * the end of the path (`prompts/*.md` is any `…/prompts/x.md`), so a relative glob is given a
 * leading globstar segment here; without it the editor would never ask for the files the analysis
 * treats as prompts.
 */
export function selectorPattern(glob: string): string {
  const g = glob.trim();
  return g.startsWith('**/') || g.startsWith('/') || /^[A-Za-z]:[\\/]/.test(g) ? g : `**/${g}`;
}
